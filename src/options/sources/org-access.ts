import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { originPattern } from '../../core/org-url.ts';

/**
 * Access to a Dataverse organisation is an optional host permission (`https://*.dynamics.com/*` in
 * the manifest), asked for one origin at the moment the user adds the environment. Browsers grant
 * it only during a user gesture, so `requestOrgAccess` must be called from the click itself,
 * before anything is awaited (developer.chrome.com/docs/extensions/reference/api/permissions).
 */
export function requestOrgAccess(origin: string): Promise<boolean> {
  return browser.permissions.request({ origins: [originPattern(origin)] }).catch(() => false);
}

/** Which of the origins the extension may reach now, kept current as the user grants or revokes. */
export function useOrgAccess(origins: readonly string[]): ReadonlyMap<string, boolean> {
  const [allowed, setAllowed] = useState<ReadonlyMap<string, boolean>>(new Map());
  const key = origins.join(' ');
  useEffect(() => {
    let alive = true;
    const check = async () => {
      const entries = await Promise.all(
        origins.map(async (origin) => {
          const granted = await browser.permissions
            .contains({ origins: [originPattern(origin)] })
            .catch(() => false);
          return [origin, granted] as const;
        }),
      );
      if (alive) setAllowed(new Map(entries));
    };
    void check();
    browser.permissions.onAdded.addListener(check);
    browser.permissions.onRemoved.addListener(check);
    return () => {
      alive = false;
      browser.permissions.onAdded.removeListener(check);
      browser.permissions.onRemoved.removeListener(check);
    };
  }, [key]);
  return allowed;
}
