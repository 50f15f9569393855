import { z } from 'zod';

/**
 * Records keyed by names that come from users or sources (tags, segment ids, column names). A
 * plain object would swallow the key `__proto__` and answer `constructor` or `toString` with what
 * every object inherits; an object without a prototype holds any name as plain data. Structured
 * clone (IndexedDB, messages) keeps a `__proto__` own property, but hands back a plain object, so
 * every read goes through `ownRecordSchema`.
 */
export type OwnRecord<T> = Record<string, T>;

export function emptyRecord<T>(): OwnRecord<T> {
  return Object.create(null) as OwnRecord<T>;
}

/** A prototype-less record of these entries (a key `__proto__` included). */
export function ownRecordOf<T>(entries: Iterable<readonly [string, T]>): OwnRecord<T> {
  const record = emptyRecord<T>();
  for (const [key, value] of entries) record[key] = value;
  return record;
}

/**
 * Like `z.record(z.string(), value)` – which drops a `__proto__` key – but keeping every own key,
 * in a prototype-less record.
 */
export function ownRecordSchema<T extends z.ZodType>(value: T) {
  return z
    .custom<Record<string, z.input<T>>>(
      (input) => typeof input === 'object' && input !== null && !Array.isArray(input),
    )
    .transform((input, ctx) => {
      const record = emptyRecord<z.output<T>>();
      for (const key of Object.keys(input)) {
        const parsed = value.safeParse(input[key]);
        if (!parsed.success) {
          ctx.addIssue({ code: 'custom', path: [key], message: 'Invalid value.' });
          return z.NEVER;
        }
        record[key] = parsed.data;
      }
      return record;
    });
}
