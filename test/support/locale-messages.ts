import { readFileSync } from 'node:fs';

type Catalogue = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

export const locales = ['en', 'tr'] as const;
export type Locale = (typeof locales)[number];

export function catalogue(locale: Locale): Catalogue {
  return JSON.parse(
    readFileSync(new URL(`../../public/_locales/${locale}/messages.json`, import.meta.url), 'utf8'),
  ) as Catalogue;
}

/** `i18n.getMessage` over one locale's catalogue, as Chrome does it: placeholders, then `$1`… */
export function messagesOf(locale: Locale): (key: string, substitutions?: string[]) => string {
  const entries = catalogue(locale);
  return (key, substitutions = []) => {
    const entry = entries[key];
    if (!entry) return '';
    const named = entry.message.replace(
      /\$([A-Za-z_]+)\$/g,
      (_, name: string) => entry.placeholders?.[name.toLowerCase()]?.content ?? '',
    );
    return named.replace(/\$(\d)/g, (_, n: string) => substitutions[Number(n) - 1] ?? '');
  };
}
