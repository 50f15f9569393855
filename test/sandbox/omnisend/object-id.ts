/**
 * Omnisend ids look like MongoDB ObjectIds (24 hex digits, e.g. `5f92cbf10cf217478ba93561`).
 * The sandbox derives them from a kind prefix and a sequence number, so no id map is kept.
 */
export const ID_KIND = { contact: 0x6a, batch: 0x6b, item: 0x6c } as const;

export function objectId(kind: number, seq: number): string {
  return kind.toString(16).padStart(2, '0') + seq.toString(16).padStart(22, '0');
}

/** The sequence number of an id of that kind, or undefined for anything else. */
export function parseObjectId(kind: number, id: string): number | undefined {
  if (!/^[0-9a-f]{24}$/.test(id) || Number.parseInt(id.slice(0, 2), 16) !== kind) return undefined;
  const seq = Number.parseInt(id.slice(2), 16);
  return Number.isSafeInteger(seq) && seq > 0 ? seq : undefined;
}
