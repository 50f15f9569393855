import { z } from 'zod';
import { isPropertyName } from './normalize-property.ts';

const sourceField = z.string().min(1).max(512);

/** The contact attributes besides email that take one source field each. */
export const textAttributes = ['firstName', 'lastName', 'address', 'city', 'state', 'postalCode'] as const;
export type TextAttribute = (typeof textAttributes)[number];

/**
 * Which source field feeds each contact attribute (values are source field names). Custom property
 * names must already be in Omnisend's form; the UI passes what people type through
 * normalizePropertyName before saving.
 */
export const mappingSchema = z
  .object({
    email: sourceField,
    firstName: sourceField.optional(),
    lastName: sourceField.optional(),
    address: sourceField.optional(),
    city: sourceField.optional(),
    state: sourceField.optional(),
    postalCode: sourceField.optional(),
    country: sourceField.optional(),
    phone: sourceField.optional(),
    birthdate: sourceField.optional(),
    gender: sourceField.optional(),
    customProperties: z
      .array(z.object({ name: z.string().refine(isPropertyName), field: sourceField }).strict())
      .max(200)
      .refine((properties) => new Set(properties.map((p) => p.name)).size === properties.length, {
        message: 'custom property names must be unique',
      })
      .optional(),
    consent: z.object({ field: sourceField, changedAtField: sourceField.optional() }).strict().optional(),
    /**
     * ISO alpha-2 country for rows without a (known) country: national phone numbers are read in
     * it, and it sets how ambiguous dates are read. Part of the mapping, so that changing it makes
     * the next run send everything again.
     */
    defaultCountry: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
  })
  .strict();

export type Mapping = z.infer<typeof mappingSchema>;
export type MappedAttribute = Exclude<keyof Mapping, 'customProperties' | 'defaultCountry'>;

/** The source fields a mapping reads: what a source needs to deliver for it. */
export function mappedFields(mapping: Mapping): string[] {
  const { customProperties, consent, defaultCountry: _country, ...single } = mapping;
  const fields = Object.values(single).filter((f): f is string => typeof f === 'string');
  for (const property of customProperties ?? []) fields.push(property.field);
  if (consent) fields.push(consent.field, ...(consent.changedAtField ? [consent.changedAtField] : []));
  return [...new Set(fields)];
}
