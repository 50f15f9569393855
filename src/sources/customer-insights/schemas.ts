import { z } from 'zod';

/**
 * Shapes of the Data API answers this source reads, lenient on purpose: Microsoft publishes only
 * part of the model (customer-insights.md §2), so unknown fields pass, optional ones may be
 * missing or null, and a list may come bare or wrapped in OData's `{ value: [...] }`.
 */

function list<T extends z.ZodType>(item: T) {
  return z.union([
    z.array(item),
    z.looseObject({ value: z.array(item) }).transform((wrapped) => wrapped.value),
  ]);
}

export const instancesSchema = list(
  z.looseObject({
    instanceId: z.string().min(1),
    name: z.string().nullish(),
  }),
);

const timestampSchema = z.string().nullish();

/**
 * Microsoft's `SegmentMetadata` with its `evaluationStatus` (`SegmentationPublishStats`), from the
 * client library (src/client_libraries/csharp/Models/SegmentMetadata.cs, SegmentationPublishStats.cs).
 * There is no `displayName`, `memberCount` or `lastRefreshed`: the display name is `friendlyName`,
 * the member count `evaluationStatus.entityCount`, the last refresh `evaluationStatus.evaluationDate`.
 */
export const segmentsSchema = list(
  z.looseObject({
    // The output table name, which `IsMemberOfSegment('…')` takes.
    name: z.string().min(1),
    friendlyName: z.string().nullish(),
    description: z.string().nullish(),
    state: z.string().nullish(),
    evaluationStatus: z
      .looseObject({
        jobStatus: z.string().nullish(),
        evaluationDate: timestampSchema,
        entityCount: z.number().int().nonnegative().nullish(),
        lastSuccessfulRunId: z.string().nullish(),
      })
      .nullish(),
    version: z.union([z.number(), z.string()]).nullish(),
    updatedUtc: timestampSchema,
    createdUtc: timestampSchema,
    instanceId: z.string().nullish(),
  }),
);

const isProfile = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A page of profiles. Each is checked to be an object and kept as parsed, not copied key by key as
 * `z.record` would: a run reads every member through here, and its fields are checked where they
 * are mapped.
 */
export const customerPageSchema = z.looseObject({
  '@odata.count': z.number().int().nonnegative().optional(),
  value: z.array(z.custom<Record<string, unknown>>(isProfile, 'A profile is not an object.')),
});

/** The Data API's error body. */
export const apiErrorSchema = z.looseObject({
  error: z.looseObject({ code: z.string(), message: z.string().optional() }),
});

/** The API gateway's (APIM) error body, e.g. for a missing or wrong subscription key. */
export const gatewayErrorSchema = z.looseObject({ statusCode: z.number(), message: z.string() });
