import { dirname, join, normalize } from 'node:path';
import { parseSync } from 'vite';
import { describe, expect, test } from 'vitest';
import { sourceFiles } from '../../support/source-files.ts';

/**
 * Imports point one way (STYLE.md "Boundaries"): pure logic never reaches for the browser, UI
 * contexts go through messaging, and only the worker touches storage.
 */
const allowed: Record<string, { layers: string[]; packages: string[] }> = {
  // libphonenumber-js and iso-3166 are data the worker needs; the graph test below keeps them
  // out of the pages.
  core: { layers: ['core'], packages: ['zod', 'libphonenumber-js', 'iso-3166'] },
  omnisend: { layers: ['omnisend', 'core'], packages: ['zod'] },
  sources: { layers: ['sources', 'core'], packages: ['zod'] },
  messaging: { layers: ['messaging', 'core'], packages: ['zod'] },
  storage: { layers: ['storage', 'core'], packages: ['zod', 'idb'] },
  // Words: the translator and the sentence of each error code, for the pages and the worker alike.
  i18n: { layers: ['i18n', 'core', 'locales'], packages: [] },
  ui: {
    layers: ['ui', 'i18n', 'messaging', 'core'],
    packages: ['zod', 'preact', 'webextension-polyfill'],
  },
  options: {
    layers: ['options', 'ui', 'i18n', 'messaging', 'core'],
    packages: ['zod', 'preact', 'webextension-polyfill'],
  },
  popup: {
    layers: ['popup', 'ui', 'i18n', 'messaging', 'core'],
    packages: ['zod', 'preact', 'webextension-polyfill'],
  },
  content: { layers: ['content', 'messaging', 'core'], packages: ['zod', 'webextension-polyfill'] },
  background: {
    layers: ['background', 'i18n', 'messaging', 'core', 'omnisend', 'sources', 'storage'],
    packages: ['zod', 'idb', 'webextension-polyfill'],
  },
};

function layerOf(path: string): string {
  if (path.startsWith('public/_locales/')) return 'locales';
  const match = /^src\/([^/]+)\//.exec(path);
  return match?.[1] ?? 'root';
}

/** The modules a file imports; `values` leaves out `import type`, which the build erases. */
function importsOf(path: string, text: string, values = false): string[] {
  const { program } = parseSync(path, text);
  const specifiers: string[] = [];
  for (const node of program.body) {
    if (
      (node.type === 'ImportDeclaration' ||
        node.type === 'ExportNamedDeclaration' ||
        node.type === 'ExportAllDeclaration') &&
      node.source &&
      !(values && 'importKind' in node && node.importKind === 'type') &&
      !(values && 'exportKind' in node && node.exportKind === 'type')
    ) {
      specifiers.push(String(node.source.value));
    }
  }
  return specifiers;
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const files = sourceFiles('src');

describe('imports between layers', () => {
  test('the layout of DESIGN.md §2 is what src holds', () => {
    const layers = new Set(files.map((f) => layerOf(f.path)));
    for (const layer of layers) expect(Object.keys(allowed).concat('root')).toContain(layer);
  });

  for (const file of files) {
    const layer = layerOf(file.path);
    const rule = allowed[layer];
    if (!rule) continue;
    test(`${file.path} imports only what ${layer} may`, () => {
      for (const specifier of importsOf(file.path, file.text)) {
        if (specifier.startsWith('.')) {
          const target = normalize(join(dirname(file.path), specifier))
            .split('\\')
            .join('/');
          if (target.endsWith('.css')) continue;
          expect(rule.layers, `${file.path} → ${target}`).toContain(layerOf(target));
        } else {
          expect(rule.packages, `${file.path} → ${specifier}`).toContain(packageOf(specifier));
        }
      }
    });
  }
});

/** Every package a file's code reaches through its imports, transitively. */
function packagesReachedFrom(entry: string): Set<string> {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const file = byPath.get(path);
    if (!file) return;
    for (const specifier of importsOf(file.path, file.text, true)) {
      if (!specifier.startsWith('.')) packages.add(packageOf(specifier));
      else
        visit(
          normalize(join(dirname(path), specifier))
            .split('\\')
            .join('/'),
        );
    }
  };
  visit(entry);
  return packages;
}

describe('what each context carries', () => {
  test.each(['src/options/main.tsx', 'src/popup/main.tsx', 'src/content/index.ts'])(
    '%s never reaches libphonenumber or the ISO country list: their data stays in the worker',
    (entry) => {
      const packages = packagesReachedFrom(entry);
      // The walk itself reached the entry's dependencies.
      expect(packages).toContain('zod');
      expect(packages).not.toContain('libphonenumber-js');
      expect(packages).not.toContain('iso-3166');
    },
  );

  test('the worker does reach them', () => {
    const packages = packagesReachedFrom('src/background/index.ts');
    expect(packages).toContain('libphonenumber-js');
    expect(packages).toContain('iso-3166');
  });
});

describe('the import checker itself', () => {
  test('sees static imports and re-exports, and classifies layers and packages', () => {
    const text =
      "import a from 'webextension-polyfill';\nexport { b } from '../storage/x.ts';\nimport '@scope/pkg/deep';";
    expect(importsOf('src/core/x.ts', text)).toEqual([
      'webextension-polyfill',
      '../storage/x.ts',
      '@scope/pkg/deep',
    ]);
    expect(allowed.core!.packages).not.toContain(packageOf('webextension-polyfill'));
    expect(packageOf('@scope/pkg/deep')).toBe('@scope/pkg');
    expect(allowed.core!.layers).not.toContain(layerOf('src/storage/x.ts'));
  });
});
