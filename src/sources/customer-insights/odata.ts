// OData text both routes share: string literals, and annotations that are not columns.

/** OData string literal: a quote inside is written twice. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** OData annotations (`@odata.etag`, `Field@odata.type`) are not profile fields. */
export function isAnnotation(key: string): boolean {
  return key.includes('@');
}

export function withoutAnnotations(row: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (!isAnnotation(key)) values[key] = value;
  return values;
}
