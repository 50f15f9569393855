import { type MapResult, mapProfile } from '../mapping/map-profile.ts';
import type { MappedContact } from '../mapping/mapped-contact.ts';
import type { Mapping } from '../mapping/mapping.ts';
import { formatPhone } from '../mapping/normalize-phone.ts';
import { ProblemTally } from '../problem-tally.ts';
import type { CheckReason, CheckResult, PreviewContact, PreviewRow } from './check-result.ts';
import { EmailSet } from './email-set.ts';

export const PREVIEW_ROWS = 10;
const maxShownEmail = 200;
const duplicate: CheckReason = 'email-duplicate';
const unreadableRecord: CheckReason = 'record-unreadable';

/**
 * The whole-source check behind the export form: every row through the same mapping a run uses,
 * counted into contacts to send, rows not sent (by reason), values left out and warnings (by
 * field and reason), with a few examples each and the first rows as a preview. Memory stays flat in
 * the number of rows but for the email set (8 bytes a contact), so a million-row file is fine.
 */
export class ContactCheck {
  private readonly tally = new ProblemTally();
  private readonly emails = new EmailSet();
  private readonly preview: PreviewRow[] = [];
  /** The emails of the preview's rows, with the first row of each, to show what merges into what. */
  private readonly previewed = new Map<string, PreviewRow['duplicateOf']>();
  private rowsChecked = 0;
  private rowsNotSent = 0;
  private valuesLeftOut = 0;
  private warnings = 0;

  constructor(
    private readonly mapping: Mapping,
    private readonly today: string,
  ) {}

  addRows(
    segment: number,
    rows: readonly { position: number; values: Readonly<Record<string, unknown>> }[],
  ): void {
    for (const row of rows) {
      this.rowsChecked++;
      const result = mapProfile(row.values, this.mapping, { today: this.today });
      if (this.preview.length < PREVIEW_ROWS) this.addPreview(row, segment, result);
      if (!result.ok) {
        this.rowsNotSent++;
        const { field, reason, value } = result.rejection;
        this.tally.add(
          { kind: 'row', field, reason },
          {
            position: row.position,
            email: shownEmail(row.values[this.mapping.email]),
            ...(value ? { value } : {}),
          },
        );
        continue;
      }
      const email = result.contact.identifiers[0].id;
      const sighting = this.emails.see(email, segment);
      if (sighting === 'again-in-segment') {
        this.rowsNotSent++;
        this.tally.add(
          { kind: 'row', field: this.mapping.email, reason: duplicate },
          { position: row.position, email },
        );
      }
      if (sighting !== 'first') continue;
      for (const note of result.notes) {
        this.valuesLeftOut++;
        this.tally.add(
          { kind: 'field', field: note.field, reason: note.reason },
          { position: row.position, email, ...(note.value ? { value: note.value } : {}) },
        );
      }
      for (const { field, reason, value } of result.warnings) {
        this.warnings++;
        // As typed: gmaıl.com reads as what it is, its punycode would not.
        this.tally.add(
          { kind: 'warning', field, reason },
          { position: row.position, email, ...(value ? { value } : {}) },
        );
      }
    }
  }

  private addPreview(
    row: { position: number; values: Readonly<Record<string, unknown>> },
    segment: number,
    result: MapResult,
  ): void {
    const shown = previewOf(row, segment, result, this.mapping);
    if (result.ok) {
      const email = result.contact.identifiers[0].id;
      shown.duplicateOf = this.previewed.get(email) ?? null;
      if (!shown.duplicateOf) this.previewed.set(email, { position: row.position, segment });
    }
    this.preview.push(shown);
  }

  /**
   * Records the file parser could not read at upload: they are rows of the source that will not be
   * sent. Only the first of them are kept with a reason; the rest count as unreadable.
   */
  addUnreadableRecords(errors: readonly { line: number; reason: string }[], total: number): void {
    for (const error of errors) {
      this.tally.add({ kind: 'row', field: '', reason: error.reason }, { position: error.line, email: null });
    }
    if (total > errors.length)
      this.tally.add({ kind: 'row', field: '', reason: unreadableRecord }, undefined, total - errors.length);
    this.rowsNotSent += total;
    this.rowsChecked += total;
  }

  result(): CheckResult {
    return {
      rowsChecked: this.rowsChecked,
      contacts: this.emails.size,
      rowsNotSent: this.rowsNotSent,
      valuesLeftOut: this.valuesLeftOut,
      warnings: this.warnings,
      groups: this.tally.groups(),
      preview: this.preview,
    };
  }
}

function previewOf(
  row: { position: number; values: Readonly<Record<string, unknown>> },
  segment: number,
  result: MapResult,
  mapping: Mapping,
): PreviewRow {
  if (!result.ok) {
    const { field, reason } = result.rejection;
    return {
      position: row.position,
      segment,
      email: shownEmail(row.values[mapping.email]),
      contact: null,
      problems: [{ kind: 'row', field, reason }],
      duplicateOf: null,
    };
  }
  return {
    position: row.position,
    segment,
    email: result.contact.identifiers[0].id,
    contact: readable(result.contact),
    problems: [
      ...result.notes.map(({ field, reason }) => ({ kind: 'field' as const, field, reason })),
      ...result.warnings.map(({ field, reason }) => ({ kind: 'warning' as const, field, reason })),
    ],
    duplicateOf: null,
  };
}

function readable(contact: MappedContact): PreviewContact {
  const { identifiers, ...fields } = contact;
  const [email, phone] = identifiers;
  const shown: PreviewContact = { ...fields };
  if (phone) shown.phone = formatPhone(phone.id);
  if (email.channels) shown.subscription = email.channels.email.status;
  return shown;
}

function shownEmail(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, maxShownEmail) : null;
}
