import { z } from 'zod';
import type { Database } from './open-database.ts';
import { parseRecord } from './records.ts';
import { deviceKeyId, vaultRecordKey } from './vault.ts';

/**
 * A segment the extension knows of in an environment read through Dataverse, which publishes no list
 * of segments (customer-insights.md §2b): one the user entered by output name or one seen on a
 * segment page, each counted before it was kept.
 */
export const knownSegmentSchema = z.object({
  /** The output name, which the membership filter takes. */
  id: z.string().min(1),
  displayName: z.string().min(1),
  memberCount: z.number().int().nonnegative(),
  /** False when counting stopped early: the segment has at least `memberCount` members. */
  countComplete: z.boolean(),
  countedAt: z.number(),
  from: z.enum(['page', 'user']),
});
export type KnownSegment = z.infer<typeof knownSegmentSchema>;

/**
 * A Customer Insights environment, kept in the `sources` store next to uploaded files (its record id
 * is the source id exports refer to). It is read through Dataverse (the organisation at `orgUrl`) or
 * through the deprecated Data API (with a subscription key). The subscription key and the refresh
 * token live in the vault under `subscriptionKeyId` and `refreshTokenId`; this record holds only
 * what the UI may show. Records saved before the Dataverse route existed are Data API ones.
 */
export const customerInsightsEnvironmentRecordSchema = z
  .object({
    id: z.string().min(1),
    kind: z.literal('customer-insights'),
    route: z.enum(['dataverse', 'data-api']).default('data-api'),
    /** The environment GUID, lower-case. */
    environmentId: z.string(),
    /** Dataverse: the organisation's origin, e.g. `https://contoso.crm4.dynamics.com`. */
    orgUrl: z.string().nullable().default(null),
    /** The environment's name from `GET /v1/instances`, once a sign-in could read it. */
    name: z.string().nullable(),
    tenant: z.string(),
    clientId: z.string(),
    /** Data API: the last four characters of the subscription key. */
    keyHint: z.string().nullable(),
    /** When the current sign-in was made; null while signed out. */
    signedInAt: z.number().nullable(),
    /** Entra refused the stored sign-in: the user must sign in again. */
    signInRequired: z.boolean(),
    /** Dataverse: the segments the extension knows of. */
    segments: z.array(knownSegmentSchema).default([]),
    createdAt: z.number(),
    updatedAt: z.number(),
    /**
     * "Allow scheduled runs while locked": its secrets sealed under its own device key, so scheduled
     * runs and contributors can read it while administrator is locked. Absent (older records): yes.
     */
    allowLockedRuns: z.boolean().optional(),
  })
  .refine((record) => record.route === 'data-api' || record.orgUrl !== null, {
    message: 'An environment read through Dataverse needs its organisation URL.',
  });
export type CustomerInsightsEnvironmentRecord = z.infer<typeof customerInsightsEnvironmentRecordSchema>;

export const subscriptionKeyId = (id: string) => `ci-subscription-key:${id}`;
export const refreshTokenId = (id: string) => `ci-refresh-token:${id}`;

/** The environment a vault secret id belongs to, or null when it is not an environment's. */
export function environmentOfSecret(secretId: string): string | null {
  const match = /^ci-(?:subscription-key|refresh-token):(.+)$/.exec(secretId);
  return match?.[1] ?? null;
}

export const environmentAllowsLockedRuns = (record: CustomerInsightsEnvironmentRecord) =>
  record.allowLockedRuns ?? true;

const isEnvironment = (value: unknown) => (value as { kind?: unknown }).kind === 'customer-insights';

export async function listCustomerInsightsEnvironments(
  db: Database,
): Promise<CustomerInsightsEnvironmentRecord[]> {
  return (await db.getAll('sources'))
    .filter(isEnvironment)
    .map((v) =>
      parseRecord(customerInsightsEnvironmentRecordSchema, 'sources', String((v as { id?: unknown }).id), v),
    );
}

export async function getCustomerInsightsEnvironment(
  db: Database,
  id: string,
): Promise<CustomerInsightsEnvironmentRecord | undefined> {
  const value = await db.get('sources', id);
  if (value === undefined || !isEnvironment(value)) return undefined;
  return parseRecord(customerInsightsEnvironmentRecordSchema, 'sources', id, value);
}

export async function putCustomerInsightsEnvironment(
  db: Database,
  record: CustomerInsightsEnvironmentRecord,
): Promise<void> {
  await db.put('sources', customerInsightsEnvironmentRecordSchema.parse(record));
}

/**
 * Changes a stored environment in one transaction (the worker may be signing in and reading at
 * the same time). Returns the new record, or undefined when it no longer exists.
 */
export async function updateCustomerInsightsEnvironment(
  db: Database,
  id: string,
  change: (record: CustomerInsightsEnvironmentRecord) => CustomerInsightsEnvironmentRecord,
): Promise<CustomerInsightsEnvironmentRecord | undefined> {
  const tx = db.transaction('sources', 'readwrite');
  const stored = await tx.store.get(id);
  if (stored === undefined || !isEnvironment(stored)) {
    await tx.done;
    return undefined;
  }
  const next = customerInsightsEnvironmentRecordSchema.parse(
    change(parseRecord(customerInsightsEnvironmentRecordSchema, 'sources', id, stored)),
  );
  await tx.store.put(next);
  await tx.done;
  return next;
}

/** Removes the environment, both of its secrets and its device key together, so no secret outlives its record. */
export async function removeCustomerInsightsEnvironment(db: Database, id: string): Promise<void> {
  const tx = db.transaction(['sources', 'vault'], 'readwrite');
  await Promise.all([
    tx.objectStore('sources').delete(id),
    tx.objectStore('vault').delete(vaultRecordKey(subscriptionKeyId(id))),
    tx.objectStore('vault').delete(vaultRecordKey(refreshTokenId(id))),
    tx.objectStore('vault').delete(deviceKeyId(id)),
  ]);
  await tx.done;
}
