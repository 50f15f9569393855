import type messages from '../../public/_locales/en/messages.json';

export type MessageKey = keyof typeof messages;

/** `i18n.getMessage` as the browser offers it to pages and to the worker. */
export type GetMessage = (key: string, substitutions?: string[]) => string;

/** A user-visible string in the browser's language: what `t()` is, on a page or in the worker. */
export type Translate = (key: MessageKey, ...substitutions: (string | number)[]) => string;

/**
 * The one translator of the extension, over an injected `getMessage`: pages bind it to
 * `browser.i18n` (src/ui/i18n.ts), the worker to its platform's, and Node tests to a catalogue.
 * English is the reference locale: a test keeps every key present in every locale and every key
 * used.
 */
export function translator(getMessage: GetMessage): Translate {
  return (key, ...substitutions) => {
    const text = getMessage(key, substitutions.map(String));
    // An empty answer means a key the locale lacks; showing the key makes that visible at once.
    return text || key;
  };
}
