import { describe, expect, it } from 'vitest';
import { mappingSchema } from '../../../../src/core/mapping/mapping.ts';

describe('mappingSchema', () => {
  it('accepts an email-only mapping and a full one', () => {
    expect(mappingSchema.safeParse({ email: 'Email' }).success).toBe(true);
    const full = {
      email: 'Email',
      firstName: 'First',
      lastName: 'Last',
      address: 'Street',
      city: 'City',
      state: 'State',
      postalCode: 'Zip',
      country: 'Country',
      phone: 'Phone',
      birthdate: 'Born',
      gender: 'Gender',
      customProperties: [{ name: 'tier', field: 'Tier' }],
      consent: { field: 'Consent', changedAtField: 'ConsentDate' },
    };
    expect(mappingSchema.parse(full)).toEqual(full);
  });

  it.each([
    ['no email', {}],
    ['an empty email field', { email: '' }],
    ['an unknown attribute', { email: 'Email', tags: 'Segment' }],
    [
      'a custom property name Omnisend refuses',
      { email: 'Email', customProperties: [{ name: 'Loyalty Tier', field: 'T' }] },
    ],
    [
      'two custom properties with one name',
      {
        email: 'Email',
        customProperties: [
          { name: 'a', field: 'X' },
          { name: 'a', field: 'Y' },
        ],
      },
    ],
    ['a consent without its field', { email: 'Email', consent: { changedAtField: 'D' } }],
  ])('refuses a mapping with %s', (_, mapping) => {
    expect(mappingSchema.safeParse(mapping).success).toBe(false);
  });
});
