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

const countSchema = z.number().int().nonnegative().nullish();
const timestampSchema = z.string().nullish();

export const segmentsSchema = list(
  z.looseObject({
    // The output table name, which `IsMemberOfSegment('…')` takes.
    name: z.string().min(1),
    displayName: z.string().nullish(),
    friendlyName: z.string().nullish(),
    memberCount: countSchema,
    lastRefreshed: timestampSchema,
    evaluationStatus: z
      .looseObject({ memberCount: countSchema, lastEvaluatedUtc: timestampSchema })
      .nullish(),
    version: z.union([z.number(), z.string()]).nullish(),
  }),
);

export const customerPageSchema = z.looseObject({
  '@odata.count': z.number().int().nonnegative().optional(),
  value: z.array(z.record(z.string(), z.unknown())),
});

/** The Data API's error body. */
export const apiErrorSchema = z.looseObject({
  error: z.looseObject({ code: z.string(), message: z.string().optional() }),
});

/** The API gateway's (APIM) error body, e.g. for a missing or wrong subscription key. */
export const gatewayErrorSchema = z.looseObject({ statusCode: z.number(), message: z.string() });
