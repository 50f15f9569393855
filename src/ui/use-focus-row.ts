import { useEffect, useRef } from 'preact/hooks';

/**
 * After Save, focus moves to the saved item's row (its header cell, focusable with tabIndex -1), so
 * keyboard and screen reader users land on what they made instead of at the top of the page.
 */
export function useFocusRow(focusId: string | null | undefined, shownIds: readonly string[]) {
  const ref = useRef<HTMLTableCellElement>(null);
  const focused = useRef<string | null>(null);
  // The list reloads after Save: focus once the saved row is there, and only once.
  const shown = focusId != null && shownIds.includes(focusId);
  useEffect(() => {
    if (!shown || focused.current === focusId) return;
    focused.current = focusId;
    ref.current?.focus();
  }, [focusId, shown]);
  return ref;
}

/** When a form opens, focus moves to its first field. */
export function useFocusFirstField<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input:not([type="hidden"]), select, textarea')?.focus();
  }, []);
  return ref;
}
