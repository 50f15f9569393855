import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, test } from 'vitest';
import { distDir } from '../support/build-extension.ts';

/**
 * The production build (made once by the e2e setup) as each context loads it: libphonenumber's
 * metadata and the ISO country list belong to the worker, never to the popup or options page.
 */
function chunksLoadedBy(entry: string): Map<string, string> {
  const loaded = new Map<string, string>();
  const visit = (file: string) => {
    if (loaded.has(file)) return;
    const text = readFileSync(join(distDir, file), 'utf8');
    loaded.set(file, text);
    const references = /(?:src|href)="\/([^"]+\.js)"|(?:from|import)\s*\(?\s*["']([^"']+\.js)["']/g;
    for (const match of text.matchAll(references)) {
      const target =
        match[1] ??
        normalize(join(dirname(file), match[2] ?? ''))
          .split('\\')
          .join('/');
      visit(target);
    }
  };
  visit(entry);
  return loaded;
}

// Keys only libphonenumber's metadata has, and a name only the ISO list spells this way.
const phoneMetadata = 'country_calling_codes';
const isoList = 'Bonaire, Sint Eustatius and Saba';

describe('what each context of the production build loads', () => {
  test.each(['options.html', 'popup.html'])(
    '%s carries no phone metadata and no ISO country list',
    (page) => {
      const chunks = chunksLoadedBy(page);
      expect(chunks.size).toBeGreaterThan(2);
      for (const [file, text] of chunks) {
        expect(text.includes(phoneMetadata), file).toBe(false);
        expect(text.includes(isoList), file).toBe(false);
      }
    },
  );

  test('the service worker carries both', () => {
    const all = [...chunksLoadedBy('service-worker-loader.js').values()].join('\n');
    expect(all).toContain(phoneMetadata);
    expect(all).toContain(isoList);
  });
});
