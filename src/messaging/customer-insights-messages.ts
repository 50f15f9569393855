import { z } from 'zod';
import { accepted, type MessageSpec } from './spec.ts';
import { segmentPageContextSchema } from './status-messages.ts';

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

export const customerInsightsSignInStateSchema = z.enum(['signed-out', 'signed-in', 'sign-in-required']);
export type CustomerInsightsSignInState = z.infer<typeof customerInsightsSignInStateSchema>;

/** An environment as Sources shows it: never the subscription key or a token, only the key's last four characters. */
export const customerInsightsEnvironmentViewSchema = z.object({
  id: z.string(),
  kind: z.literal('customer-insights'),
  environmentId: z.string(),
  name: z.string().nullable(),
  tenant: z.string(),
  clientId: z.string(),
  keyHint: z.string(),
  /** "Allow scheduled runs while locked": its secrets stay usable without the passphrase. */
  allowLockedRuns: z.boolean(),
  state: customerInsightsSignInStateSchema,
  signedInAt: z.number().nullable(),
  usedBy: z.array(z.string()),
});
export type CustomerInsightsEnvironmentView = z.infer<typeof customerInsightsEnvironmentViewSchema>;

export const customerInsightsSegmentSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  memberCount: z.number().nullable(),
  lastRefreshedAt: z.number().nullable(),
});
export type CustomerInsightsSegment = z.infer<typeof customerInsightsSegmentSchema>;

/** What the popup learns about the segment page its tab shows. */
export const customerInsightsPageSegmentSchema = z.discriminatedUnion('state', [
  /** No environment with this id is set up in Sources. */
  z.object({ state: z.literal('no-environment'), environmentId: z.string() }),
  /** The environment is set up but has no working sign-in. */
  z.object({ state: z.literal('sign-in-required'), sourceId: z.string(), environmentId: z.string() }),
  /** The environment does not list the segment the page shows (yet, or any longer). */
  z.object({ state: z.literal('not-found'), sourceId: z.string() }),
  z.object({
    state: z.literal('segment'),
    sourceId: z.string(),
    segment: customerInsightsSegmentSchema,
    /** Ids of the exports that include this segment (their names and last runs come from `exports.list`). */
    exportIds: z.array(z.string()),
  }),
]);
export type CustomerInsightsPageSegment = z.infer<typeof customerInsightsPageSegmentSchema>;

export const customerInsightsMessages = {
  'customer-insights.environments.list': {
    request: z.object({}).strict(),
    /** `redirectUrl` is what the app registration must list as a redirect URI. */
    response: z.object({
      redirectUrl: z.string(),
      environments: z.array(customerInsightsEnvironmentViewSchema),
    }),
  },
  'customer-insights.environments.save': {
    request: z
      .object({
        /** Absent for a new environment. */
        id: z.string().optional(),
        environmentId: guid,
        tenant,
        clientId: guid,
        /** Required for a new environment; for an existing one, present only to replace the key. */
        subscriptionKey: z.string().trim().min(8).max(256).optional(),
        /** Absent: as before for an existing environment, else yes. */
        allowLockedRuns: z.boolean().optional(),
      })
      .strict(),
    response: z.object({ environment: customerInsightsEnvironmentViewSchema }),
  },
  'customer-insights.environments.signIn': {
    request: z.object({ id: z.string() }).strict(),
    response: z.object({
      environment: customerInsightsEnvironmentViewSchema,
      segmentCount: z.number().int().nonnegative(),
    }),
  },
  'customer-insights.environments.signOut': {
    request: z.object({ id: z.string() }).strict(),
    response: accepted,
  },
  'customer-insights.environments.remove': {
    request: z.object({ id: z.string() }).strict(),
    response: accepted,
  },
  'customer-insights.page.segment': {
    request: z.object({ page: segmentPageContextSchema }).strict(),
    response: customerInsightsPageSegmentSchema,
  },
  /** Creates an export of one segment with everything pre-filled (the popup's "Export now"). */
  'customer-insights.exports.create': {
    request: z.object({ sourceId: z.string(), segmentId: z.string().min(1) }).strict(),
    response: z.object({ id: z.string() }),
  },
} as const satisfies Record<string, MessageSpec>;
