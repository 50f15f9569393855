import type { Mapping } from '../../core/mapping/mapping.ts';
import { normalizePropertyName } from '../../core/mapping/normalize-property.ts';
import type { MessageKey } from '../../ui/i18n.ts';

/** What "Add attribute" offers: the original feature's attributes, then ours. */
export const attributeKinds = [
  'firstName',
  'lastName',
  'address',
  'city',
  'state',
  'postalCode',
  'country',
  'phone',
  'birthdate',
  'gender',
  'customProperty',
  'consent',
] as const;
export type AttributeKind = (typeof attributeKinds)[number];

export const attributeLabels: Record<AttributeKind, MessageKey> = {
  firstName: 'attrFirstName',
  lastName: 'attrLastName',
  address: 'attrAddress',
  city: 'attrCity',
  state: 'attrState',
  postalCode: 'attrPostalCode',
  country: 'attrCountry',
  phone: 'attrPhone',
  birthdate: 'attrBirthdate',
  gender: 'attrGender',
  customProperty: 'attrCustomProperty',
  consent: 'attrConsent',
};

export interface AttributeRow {
  id: number;
  kind: AttributeKind;
  field: string;
  /** Custom property name as typed; consent: the optional "changed at" field. */
  extra: string;
}

type SingleKind = Exclude<AttributeKind, 'customProperty' | 'consent'>;
const single = (kind: AttributeKind): kind is SingleKind => kind !== 'customProperty' && kind !== 'consent';

/** Kinds that can be added once more (custom properties any number of times). */
export function addableKinds(rows: AttributeRow[]): AttributeKind[] {
  const used = new Set(rows.map((r) => r.kind));
  return attributeKinds.filter((k) => k === 'customProperty' || !used.has(k));
}

export function rowsFromMapping(mapping: Partial<Mapping>, nextId: () => number): AttributeRow[] {
  const rows: AttributeRow[] = [];
  for (const kind of attributeKinds) {
    if (!single(kind)) continue;
    const field = mapping[kind];
    if (field) rows.push({ id: nextId(), kind, field, extra: '' });
  }
  for (const p of mapping.customProperties ?? []) {
    rows.push({ id: nextId(), kind: 'customProperty', field: p.field, extra: p.name });
  }
  if (mapping.consent) {
    rows.push({
      id: nextId(),
      kind: 'consent',
      field: mapping.consent.field,
      extra: mapping.consent.changedAtField ?? '',
    });
  }
  return rows;
}

/** The mapping the rows describe; rows without a field, or with an unusable property name, are left out. */
export function mappingFromRows(email: string, rows: AttributeRow[]): Mapping {
  const mapping: Mapping = { email };
  const custom: { name: string; field: string }[] = [];
  for (const row of rows) {
    if (!row.field) continue;
    if (single(row.kind)) mapping[row.kind] = row.field;
    else if (row.kind === 'consent') {
      mapping.consent = { field: row.field, ...(row.extra ? { changedAtField: row.extra } : {}) };
    } else {
      const name = normalizePropertyName(row.extra);
      if (name.ok && !custom.some((c) => c.name === name.value))
        custom.push({ name: name.value, field: row.field });
    }
  }
  if (custom.length) mapping.customProperties = custom;
  return mapping;
}
