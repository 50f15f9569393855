import { z } from 'zod';
import { parseOrgUrl } from '../core/org-url.ts';
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

/** A pasted organisation URL (or any page of it), as its origin; refused with the reason when it is none. */
const orgUrl = z
  .string()
  .max(2_000)
  .transform((text, context) => {
    const parsed = parseOrgUrl(text);
    if (parsed.ok) return parsed.origin;
    context.addIssue({ code: 'custom', message: parsed.reason });
    return z.NEVER;
  });

/**
 * How an environment is read: through Dataverse, Microsoft's supported route and the default, or
 * through the Customer Insights Data API, deprecated since 31 August 2024 but kept for tenants
 * where it still answers (customer-insights.md §2, §2b).
 */
export const customerInsightsRouteSchema = z.enum(['dataverse', 'data-api']);
export type CustomerInsightsRoute = z.infer<typeof customerInsightsRouteSchema>;

export const customerInsightsSignInStateSchema = z.enum(['signed-out', 'signed-in', 'sign-in-required']);
export type CustomerInsightsSignInState = z.infer<typeof customerInsightsSignInStateSchema>;

/** A segment known in an environment read through Dataverse, with the count it passed. */
export const customerInsightsKnownSegmentSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  memberCount: z.number(),
  /** False: counting stopped early, the segment has at least `memberCount` members. */
  countComplete: z.boolean(),
  countedAt: z.number(),
  from: z.enum(['page', 'user']),
});
export type CustomerInsightsKnownSegment = z.infer<typeof customerInsightsKnownSegmentSchema>;

/** An environment as Sources shows it: never the subscription key or a token, only the key's last four characters. */
export const customerInsightsEnvironmentViewSchema = z.object({
  id: z.string(),
  kind: z.literal('customer-insights'),
  route: customerInsightsRouteSchema,
  environmentId: z.string(),
  /** Dataverse: the organisation's origin. */
  orgUrl: z.string().nullable(),
  name: z.string().nullable(),
  tenant: z.string(),
  clientId: z.string(),
  /** Data API: the subscription key's last four characters. */
  keyHint: z.string().nullable(),
  /** "Allow scheduled runs while locked": its secrets stay usable without the passphrase. */
  allowLockedRuns: z.boolean(),
  state: customerInsightsSignInStateSchema,
  signedInAt: z.number().nullable(),
  usedBy: z.array(z.string()),
  /** Dataverse: the segments known so far. */
  segments: z.array(customerInsightsKnownSegmentSchema),
});
export type CustomerInsightsEnvironmentView = z.infer<typeof customerInsightsEnvironmentViewSchema>;

export const customerInsightsSegmentSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  /** Null when unknown; see `membersAtLeast`. */
  memberCount: z.number().nullable(),
  /** A lower bound when counting stopped early (Dataverse counts a few pages only). */
  membersAtLeast: z.number().nullable(),
  /** Null where the route publishes no refresh time (Dataverse). */
  lastRefreshedAt: z.number().nullable(),
});
export type CustomerInsightsSegment = z.infer<typeof customerInsightsSegmentSchema>;

/** What the popup learns about the segment page its tab shows. */
export const customerInsightsPageSegmentSchema = z.discriminatedUnion('state', [
  /** No environment with this id is set up in Sources. */
  z.object({ state: z.literal('no-environment'), environmentId: z.string() }),
  /** The environment is set up but has no working sign-in. */
  z.object({ state: z.literal('sign-in-required'), sourceId: z.string(), environmentId: z.string() }),
  /** The browser does not let the extension reach the environment's Dataverse organisation. */
  z.object({ state: z.literal('access-required'), sourceId: z.string(), orgUrl: z.string() }),
  /** The environment does not list the segment the page shows (yet, or any longer). */
  z.object({ state: z.literal('not-found'), sourceId: z.string() }),
  z.object({
    state: z.literal('segment'),
    sourceId: z.string(),
    route: customerInsightsRouteSchema,
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
    request: z.discriminatedUnion('route', [
      z
        .object({
          route: z.literal('dataverse'),
          /** Absent for a new environment. */
          id: z.string().optional(),
          environmentId: guid,
          orgUrl,
          tenant,
          clientId: guid,
          /** Absent: as before for an existing environment, else yes. */
          allowLockedRuns: z.boolean().optional(),
        })
        .strict(),
      z
        .object({
          route: z.literal('data-api'),
          id: z.string().optional(),
          environmentId: guid,
          tenant,
          clientId: guid,
          /** Required for a new environment; for an existing one, present only to replace the key. */
          subscriptionKey: z.string().trim().min(8).max(256).optional(),
          allowLockedRuns: z.boolean().optional(),
        })
        .strict(),
    ]),
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
  /** Dataverse: keeps a segment by its output name once counting found members. */
  'customer-insights.segments.add': {
    request: z
      .object({
        id: z.string(),
        outputName: z.string().trim().min(1).max(128),
        displayName: z.string().trim().max(100).optional(),
      })
      .strict(),
    response: z.object({ environment: customerInsightsEnvironmentViewSchema }),
  },
  /** Dataverse: counts a known segment's members again. */
  'customer-insights.segments.recount': {
    request: z.object({ id: z.string(), segmentId: z.string().min(1) }).strict(),
    response: z.object({ environment: customerInsightsEnvironmentViewSchema }),
  },
  /** Dataverse: forgets a known segment that no export uses. */
  'customer-insights.segments.remove': {
    request: z.object({ id: z.string(), segmentId: z.string().min(1) }).strict(),
    response: z.object({ environment: customerInsightsEnvironmentViewSchema }),
  },
  'customer-insights.page.segment': {
    request: z.object({ page: pageCluesSchema }).strict(),
    response: customerInsightsPageSegmentSchema,
  },
  /** Creates an export of one segment with everything pre-filled (the popup's "Export now"). */
  'customer-insights.exports.create': {
    request: z.object({ sourceId: z.string(), segmentId: z.string().min(1) }).strict(),
    response: z.object({ id: z.string() }),
  },
} as const satisfies Record<string, MessageSpec>;
