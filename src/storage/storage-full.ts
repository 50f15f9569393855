/**
 * Whether a storage failure means the disk (or the origin's quota) is full. IndexedDB aborts the
 * transaction with a `QuotaExceededError` DOMException (Indexed Database API 3.0, "abort a
 * transaction" with a QuotaExceededError when the write would exceed the quota); idb hands it on
 * as the rejection of the request or of `tx.done`.
 */
export function isStorageFull(error: unknown): boolean {
  return error instanceof Error && error.name === 'QuotaExceededError';
}
