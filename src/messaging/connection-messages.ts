import { z } from 'zod';
import { shareWithSchema } from '../core/share-with.ts';
import { accepted, type MessageSpec } from './spec.ts';

export type { ShareWith } from '../core/share-with.ts';

/** The version of the data privacy and compliance statement the UI shows; stored with each consent. */
export const PRIVACY_STATEMENT_VERSION = '2026-11' as const;

const apiKey = z.string().trim().min(8).max(512);
const displayName = z.string().trim().min(1).max(100);

export const brandSummarySchema = z.object({ id: z.string(), name: z.string() });
export type BrandSummary = z.infer<typeof brandSummarySchema>;

export const connectionProblemSchema = z.object({
  code: z.enum(['omnisend.invalid-api-key', 'omnisend.missing-permission']),
  at: z.number(),
});

/** The brand snapshot of a connection (issue #16): how old and how large, and a listing going on now. */
export const snapshotViewSchema = z.object({
  /** When the last complete listing started; null before the first completed. */
  listedAt: z.number().nullable(),
  count: z.number().int().nonnegative(),
  /** Contacts read so far by the listing under way; null when none is. */
  reading: z.number().int().nonnegative().nullable(),
});
export type SnapshotView = z.infer<typeof snapshotViewSchema>;

/** A connection as an administrator sees it: never the key itself, only its last four characters. */
export const connectionViewSchema = z.object({
  id: z.string(),
  type: z.literal('omnisend'),
  displayName: z.string(),
  shareWith: shareWithSchema,
  brand: brandSummarySchema,
  keyHint: z.string(),
  /** "Allow scheduled runs while locked": the key stays usable without the passphrase. */
  allowLockedRuns: z.boolean(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  /** Omnisend refused the key in a run: replace it. */
  problem: connectionProblemSchema.nullable(),
  usedBy: z.array(z.string()),
  snapshot: snapshotViewSchema,
});
export type ConnectionView = z.infer<typeof connectionViewSchema>;

/** What a contributor may know of a connection shared with contributors: its name and type. */
export const sharedConnectionSchema = z.object({
  id: z.string(),
  type: z.literal('omnisend'),
  displayName: z.string(),
});
export type SharedConnection = z.infer<typeof sharedConnectionSchema>;

export const connectionMessages = {
  'connections.list': {
    request: z.object({}).strict(),
    response: z.discriminatedUnion('role', [
      z.object({ role: z.literal('administrator'), connections: z.array(connectionViewSchema) }),
      z.object({ role: z.literal('contributor'), connections: z.array(sharedConnectionSchema) }),
    ]),
  },
  'connections.check': {
    request: z.object({ apiKey }).strict(),
    response: z.object({ brand: brandSummarySchema }),
  },
  'connections.save': {
    request: z
      .object({
        /** Absent for a new connection. */
        id: z.string().optional(),
        displayName,
        shareWith: shareWithSchema,
        /** Absent: as before for an existing connection, else yes exactly when it is shared. */
        allowLockedRuns: z.boolean().optional(),
        /** Required for a new connection; for an existing one, present only to replace the key. */
        apiKey: apiKey.optional(),
        agreed: z.literal(true),
        statementVersion: z.literal(PRIVACY_STATEMENT_VERSION),
      })
      .strict(),
    response: z.object({ connection: connectionViewSchema }),
  },
  'connections.remove': {
    request: z.object({ id: z.string(), detachExports: z.boolean().default(false) }).strict(),
    response: accepted,
  },
} as const satisfies Record<string, MessageSpec>;
