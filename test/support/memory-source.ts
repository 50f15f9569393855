import type {
  MemberPage,
  ReadOptions,
  SegmentInfo,
  SegmentSource,
  SourceRow,
} from '../../src/sources/segment-source.ts';

/**
 * An in-memory SegmentSource for engine tests. Profiles are made from their index, so every run
 * of a test sees the same rows; a segment is a list of profile indexes in source order. Tests can
 * change membership and profile fields between runs, and make reads fail.
 */

const firstNames = ['Ada', 'Bora', 'Cem', 'Deniz', 'Elif', 'Femi', 'Gül', 'Hana'];
const lastNames = ['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Öztürk', 'Smith', 'Jones'];
const cities = ['Istanbul', 'Ankara', 'Izmir', 'London', 'Vilnius'];

/** The profile with this index: an email derived from the index and a few text fields. */
export function memberProfile(index: number): Record<string, unknown> {
  return {
    CustomerId: `C${index}`,
    Email: `person${index}@example.com`,
    FirstName: firstNames[index % firstNames.length],
    LastName: lastNames[(index >> 3) % lastNames.length],
    City: cities[index % cities.length],
  };
}

interface MemorySegment {
  displayName: string;
  members: number[];
  lastRefreshedAt: number | null;
  /** Report the member count (a Customer Insights segment does; some sources cannot). */
  countKnown: boolean;
}

export interface MemorySourceOptions {
  pageSize?: number;
}

export class MemorySource implements SegmentSource {
  readonly pageSize: number;
  readonly #segments = new Map<string, MemorySegment>();
  readonly #overrides = new Map<number, Record<string, unknown>>();
  #failures = 0;
  #failure: Error | null = null;
  #incomplete = false;
  #listFailures: { error: Error; count: number } = { error: new Error('unused'), count: 0 };
  readonly #held = new Map<string, Promise<void>>();
  /** Pages handed out, for tests that check streaming. */
  pagesRead = 0;

  constructor(options: MemorySourceOptions = {}) {
    this.pageSize = options.pageSize ?? 250;
  }

  setSegment(
    id: string,
    segment: {
      displayName?: string;
      members: number[];
      lastRefreshedAt?: number | null;
      countKnown?: boolean;
    },
  ): void {
    this.#segments.set(id, {
      displayName: segment.displayName ?? id,
      members: [...segment.members],
      lastRefreshedAt: segment.lastRefreshedAt ?? null,
      countKnown: segment.countKnown ?? true,
    });
  }

  /** Replaces fields of one profile (all segments see it); `undefined` removes a field. */
  updateProfile(index: number, values: Record<string, unknown>): void {
    this.#overrides.set(index, { ...this.#overrides.get(index), ...values });
  }

  /** The next `count` reads of members fail. */
  failReads(count: number): void {
    this.#failures = count;
    this.#failure = null;
  }

  /** Reads say they may have missed members, as a source whose segment changed under it does. */
  markIncomplete(incomplete: boolean): void {
    this.#incomplete = incomplete;
  }

  /** Reads of one segment wait until the returned function is called (to order a run's steps). */
  holdReads(segmentId: string): () => void {
    let release = () => {};
    this.#held.set(
      segmentId,
      new Promise<void>((resolve) => {
        release = () => {
          this.#held.delete(segmentId);
          resolve();
        };
      }),
    );
    return () => release();
  }

  /** The next `count` reads of members fail with `error`. */
  failReadsWith(error: Error, count: number): void {
    this.#failures = count;
    this.#failure = error;
  }

  /** The next `count` listings of segments fail with `error` (a run lists them as it starts). */
  failListsWith(error: Error, count: number): void {
    this.#listFailures = { error, count };
  }

  row(index: number): Record<string, unknown> {
    const values = { ...memberProfile(index), ...this.#overrides.get(index) };
    for (const key of Object.keys(values)) if (values[key] === undefined) delete values[key];
    return values;
  }

  async listSegments(): Promise<SegmentInfo[]> {
    if (this.#listFailures.count > 0) {
      this.#listFailures.count--;
      throw this.#listFailures.error;
    }
    return [...this.#segments].map(([id, s]) => ({
      id,
      displayName: s.displayName,
      memberCount: s.countKnown ? s.members.length : null,
      lastRefreshedAt: s.lastRefreshedAt,
    }));
  }

  async describeFields(): Promise<string[]> {
    return Object.keys(memberProfile(0));
  }

  async readMembers(
    segmentId: string,
    cursor: string | null,
    options: ReadOptions = {},
  ): Promise<MemberPage> {
    await this.#held.get(segmentId);
    options.signal?.throwIfAborted();
    if (this.#failures > 0) {
      this.#failures--;
      throw this.#failure ?? new Error('The source is unavailable.');
    }
    const segment = this.#segments.get(segmentId);
    if (!segment) throw new Error(`No segment ${segmentId}.`);
    const offset = cursor === null ? 0 : Number(cursor.slice(2));
    const indexes = segment.members.slice(offset, offset + this.pageSize);
    const rows: SourceRow[] = indexes.map((index, i) => ({
      key: `C${index}`,
      position: offset + i + 1,
      values: pick(this.row(index), options.fields),
    }));
    this.pagesRead++;
    const end = offset + indexes.length;
    // Yield like a real source would, so abandoned work can stop between pages.
    await new Promise((resolve) => setImmediate(resolve));
    const next = end < segment.members.length ? `o:${end}` : null;
    return this.#incomplete ? { rows, next, complete: false } : { rows, next };
  }
}

function pick(
  values: Record<string, unknown>,
  fields: readonly string[] | undefined,
): Record<string, unknown> {
  if (fields === undefined) return values;
  return Object.fromEntries(fields.filter((f) => Object.hasOwn(values, f)).map((f) => [f, values[f]]));
}
