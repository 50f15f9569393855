import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseSync, Visitor } from 'vite';
import { describe, expect, test } from 'vitest';
import { repoRoot } from '../../support/build-extension.ts';
import { sourceFiles } from '../../support/source-files.ts';

interface Message {
  message: string;
  placeholders?: Record<string, { content: string }>;
}

const locales = ['en', 'tr'] as const;
const read = (lang: string) =>
  JSON.parse(readFileSync(resolve(repoRoot, `public/_locales/${lang}/messages.json`), 'utf8')) as Record<
    string,
    Message
  >;
const catalogs = Object.fromEntries(locales.map((lang) => [lang, read(lang)]));
const en = catalogs.en!;
const files = sourceFiles('src');
const manifest = readFileSync(resolve(repoRoot, 'manifest.json'), 'utf8');

/** Text a person would read, found in JSX: text nodes and the attributes that are read aloud or shown. */
const SPOKEN_ATTRIBUTES = new Set(['aria-label', 'title', 'placeholder', 'alt', 'label', 'aria-description']);

function literalStrings(path: string, text: string): string[] {
  const found: string[] = [];
  const { program } = parseSync(path, text);
  new Visitor({
    JSXText(node) {
      if (/\p{L}/u.test(node.value)) found.push(node.value.trim());
    },
    JSXAttribute(node) {
      const name = node.name.type === 'JSXIdentifier' ? node.name.name : '';
      if (
        SPOKEN_ATTRIBUTES.has(name) &&
        node.value?.type === 'Literal' &&
        /\p{L}/u.test(String(node.value.value))
      ) {
        found.push(String(node.value.value));
      }
    },
  }).visit(program);
  return found;
}

describe('locales', () => {
  for (const lang of locales) {
    test(`${lang} has every key that English has, and no other`, () => {
      expect(Object.keys(catalogs[lang]!).sort()).toEqual(Object.keys(en).sort());
    });

    test(`${lang}: a button's accessible name holds the words it shows, so voice control can press it (WCAG 2.5.3)`, () => {
      const catalog = catalogs[lang]!;
      const named = Object.keys(catalog).filter((key) => key.endsWith('Named'));
      expect(named.length).toBeGreaterThan(5);
      for (const key of named) {
        const shown = catalog[key.slice(0, -'Named'.length)]?.message;
        expect(shown, key).toBeDefined();
        expect(catalog[key]!.message, key).toContain(shown);
      }
    });

    test(`${lang} messages are non-empty and keep the placeholders of English`, () => {
      for (const [key, { message, placeholders }] of Object.entries(catalogs[lang]!)) {
        expect(message.trim(), key).not.toBe('');
        const names = (m: string) =>
          [...m.matchAll(/\$([A-Za-z_]+)\$/g)].map((x) => x[1]!.toLowerCase()).sort();
        expect(names(message), key).toEqual(names(en[key]!.message));
        for (const name of names(message)) expect(placeholders?.[name], `${key}.${name}`).toBeDefined();
      }
    });
  }

  test('every key is used by the code or the manifest', () => {
    const code = files.map((f) => f.text).join('\n');
    const unused = Object.keys(en).filter(
      (key) => !code.includes(`'${key}'`) && !manifest.includes(`__MSG_${key}__`),
    );
    expect(unused).toEqual([]);
  });

  test('every key the code asks for exists', () => {
    const asked = files.flatMap((f) => [...f.text.matchAll(/\bt\(\s*'([^']+)'/g)].map((m) => m[1]!));
    expect(asked.length).toBeGreaterThan(0);
    for (const key of asked) expect(Object.keys(en)).toContain(key);
  });

  test('no component shows text that bypasses t()', () => {
    const bypassing = files
      .filter((f) => f.path.endsWith('.tsx'))
      .flatMap((f) => literalStrings(f.path, f.text).map((s) => `${f.path}: ${s}`));
    expect(bypassing).toEqual([]);
  });

  test('the bypass check catches literal text and spoken attributes', () => {
    const sample = 'export const A = () => <button aria-label="Close" title={x}>Save {n} <b> </b></button>;';
    expect(literalStrings('sample.tsx', sample)).toEqual(['Close', 'Save']);
  });
});
