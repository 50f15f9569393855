/**
 * "Preview changes" (issue #16): what a run of an export would do, counted as the run counts
 * (run-counters.ts), with the contacts of each kind listed for download. Pure.
 */

/** Contacts per downloadable list (decision): a list cut there says so, the counts stay exact. */
export const PREVIEW_LIST_LIMIT = 10_000;
/** Updated contacts whose current Omnisend fields are read to show what changes (decision). */
export const PREVIEW_CHANGE_SAMPLE = 5;

export type PreviewList = 'created' | 'updated' | 'unchanged' | 'tagged' | 'untagged' | 'skipped';

export interface PreviewRow {
  email: string;
  /** The tag for `tagged`/`untagged`, the reason for `skipped`; empty otherwise. */
  detail: string;
}

export interface FieldChange {
  field: string;
  from: string | null;
  to: string | null;
}

export interface PreviewCounts {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  tagged: number;
  untagged: number;
  rejected: number;
  duplicates: number;
}

export interface PreviewSummary {
  counts: PreviewCounts;
  /** Skipped rows (rejected and duplicates) by reason, most first. */
  skipped: { reason: string; count: number }[];
  lists: Record<PreviewList, PreviewRow[]>;
  /** Lists cut at PREVIEW_LIST_LIMIT. */
  truncated: PreviewList[];
  /** A sample of updated contacts: their fields that change, old → new. */
  changes: { email: string; fields: FieldChange[] }[];
  /** A source could not say it read every member: like the run, no tag is taken away. */
  untagSkipped: boolean;
}

export class PreviewTally {
  readonly counts: PreviewCounts = {
    read: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    tagged: 0,
    untagged: 0,
    rejected: 0,
    duplicates: 0,
  };
  readonly #lists: Record<PreviewList, PreviewRow[]> = {
    created: [],
    updated: [],
    unchanged: [],
    tagged: [],
    untagged: [],
    skipped: [],
  };
  readonly #truncated = new Set<PreviewList>();
  readonly #reasons = new Map<string, number>();
  changes: { email: string; fields: FieldChange[] }[] = [];
  untagSkipped = false;

  /** Counts one contact of a kind and lists it. */
  add(list: Exclude<PreviewList, 'skipped'>, email: string, detail = ''): void {
    this.counts[list]++;
    this.#list(list, { email, detail });
  }

  /** A row the run would skip: rejected (by the mapping, or too large) or a duplicate. */
  skip(email: string | null, reason: string): void {
    if (reason === 'email-duplicate') this.counts.duplicates++;
    else this.counts.rejected++;
    this.#reasons.set(reason, (this.#reasons.get(reason) ?? 0) + 1);
    this.#list('skipped', { email: email ?? '', detail: reason });
  }

  summary(): PreviewSummary {
    return {
      counts: { ...this.counts },
      skipped: [...this.#reasons]
        .map(([reason, count]) => ({ reason, count }))
        .sort((a, b) => b.count - a.count),
      lists: this.#lists,
      truncated: [...this.#truncated],
      changes: this.changes,
      untagSkipped: this.untagSkipped,
    };
  }

  #list(list: PreviewList, row: PreviewRow): void {
    const rows = this.#lists[list];
    if (rows.length < PREVIEW_LIST_LIMIT) rows.push(row);
    else this.#truncated.add(list);
  }
}

const profileFields = [
  'firstName',
  'lastName',
  'address',
  'city',
  'state',
  'postalCode',
  'country',
  'countryCode',
  'birthdate',
  'gender',
] as const;

const shown = (value: unknown): string | null =>
  value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);

/**
 * The fields an upsert would change on a contact: those it sends with another value than Omnisend
 * holds (an upsert never erases a field it does not send), custom properties one by one.
 */
export function fieldChanges(sentContact: object, currentContact: object): FieldChange[] {
  const sent = sentContact as Record<string, unknown>;
  const current = currentContact as Record<string, unknown>;
  const changes: FieldChange[] = [];
  for (const field of profileFields) {
    const to = shown(sent[field]);
    const from = shown(current[field]);
    if (to !== null && to !== from) changes.push({ field, from, to });
  }
  const sentProps = (sent.customProperties ?? {}) as Record<string, unknown>;
  const currentProps = (current.customProperties ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(sentProps)) {
    const to = shown(value);
    const from = shown(currentProps[name]);
    if (to !== from) changes.push({ field: name, from, to });
  }
  return changes;
}
