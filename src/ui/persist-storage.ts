/**
 * Asks the browser to keep the extension's storage (the ledger above all) when the disk runs low,
 * instead of evicting it with other sites' data. `persist()` exists on pages only, not in the
 * service worker (Storage Standard: `[Exposed=Window] persist()`), so the extension's pages ask
 * each time they open. Whether Chrome grants it to an extension is its own decision (a guess: it
 * may say no); the extension works the same either way, and a refusal is not an error.
 */
export function requestPersistentStorage(): void {
  navigator.storage
    ?.persist?.()
    .catch(() => false)
    .then(() => undefined);
}
