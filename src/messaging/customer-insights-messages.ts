import { z } from 'zod';
import { accepted, type MessageSpec } from './spec.ts';
import { pageCluesSchema } from './status-messages.ts';

const guid = z
  .string()
  .trim()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i)
  .transform((id) => id.toLowerCase());

/** A tenant GUID, a verified domain, or `organizations` / `common` (Entra's authority path part). */
const tenant = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9.-]+$/);

export const ciSignInStateSchema = z.enum(['signed-out', 'signed-in', 'sign-in-required']);
export type CiSignInState = z.infer<typeof ciSignInStateSchema>;

/** An environment as Sources shows it: never the subscription key or a token, only the key's last four characters. */
export const ciEnvironmentViewSchema = z.object({
  id: z.string(),
  kind: z.literal('customer-insights'),
  environmentId: z.string(),
  name: z.string().nullable(),
  tenant: z.string(),
  clientId: z.string(),
  keyHint: z.string(),
  state: ciSignInStateSchema,
  signedInAt: z.number().nullable(),
  usedBy: z.array(z.string()),
});
export type CiEnvironmentView = z.infer<typeof ciEnvironmentViewSchema>;

export const ciSegmentSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  memberCount: z.number().nullable(),
  lastRefreshedAt: z.number().nullable(),
});
export type CiSegment = z.infer<typeof ciSegmentSchema>;

/** What the popup learns about the segment page its tab shows. */
export const ciPageSegmentSchema = z.discriminatedUnion('state', [
  /** No environment with this id is set up in Sources. */
  z.object({ state: z.literal('no-environment'), environmentId: z.string() }),
  /** The environment is set up but has no working sign-in. */
  z.object({ state: z.literal('sign-in-required'), sourceId: z.string(), environmentId: z.string() }),
  /** The environment does not list the segment the page shows (yet, or any longer). */
  z.object({ state: z.literal('not-found'), sourceId: z.string() }),
  z.object({
    state: z.literal('segment'),
    sourceId: z.string(),
    segment: ciSegmentSchema,
    /** Ids of the exports that include this segment (their names and last runs come from `exports.list`). */
    exportIds: z.array(z.string()),
  }),
]);
export type CiPageSegment = z.infer<typeof ciPageSegmentSchema>;

export const customerInsightsMessages = {
  'ci.environments.list': {
    from: 'page',
    request: z.object({}).strict(),
    /** `redirectUrl` is what the app registration must list as a redirect URI. */
    response: z.object({ redirectUrl: z.string(), environments: z.array(ciEnvironmentViewSchema) }),
  },
  'ci.environments.save': {
    from: 'page',
    request: z
      .object({
        /** Absent for a new environment. */
        id: z.string().optional(),
        environmentId: guid,
        tenant,
        clientId: guid,
        /** Required for a new environment; for an existing one, present only to replace the key. */
        subscriptionKey: z.string().trim().min(8).max(256).optional(),
      })
      .strict(),
    response: z.object({ environment: ciEnvironmentViewSchema }),
  },
  'ci.environments.signIn': {
    from: 'page',
    request: z.object({ id: z.string() }).strict(),
    response: z.object({
      environment: ciEnvironmentViewSchema,
      segmentCount: z.number().int().nonnegative(),
    }),
  },
  'ci.environments.signOut': {
    from: 'page',
    request: z.object({ id: z.string() }).strict(),
    response: accepted,
  },
  'ci.environments.remove': {
    from: 'page',
    request: z.object({ id: z.string() }).strict(),
    response: accepted,
  },
  'ci.page.segment': {
    from: 'page',
    request: z.object({ page: pageCluesSchema }).strict(),
    response: ciPageSegmentSchema,
  },
  /** Creates an export of one segment with everything pre-filled (the popup's "Export now"). */
  'ci.exports.create': {
    from: 'page',
    request: z.object({ sourceId: z.string(), segmentId: z.string().min(1) }).strict(),
    response: z.object({ id: z.string() }),
  },
} as const satisfies Record<string, MessageSpec>;
