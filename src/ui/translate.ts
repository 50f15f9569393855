import type messages from '../../public/_locales/en/messages.json';

export type MessageKey = keyof typeof messages;

/** `i18n.getMessage` as the browser offers it to pages and to the worker. */
export type GetMessage = (key: string, substitutions?: string[]) => string;

/**
 * A user-visible string in the browser's language. Free of the polyfill, so the worker's
 * notifications use it with an injected `getMessage` and Node tests can load the worker. English is
 * the reference locale: a test keeps every key present in every locale and every key used.
 */
export function translate(
  getMessage: GetMessage,
  key: MessageKey,
  ...substitutions: (string | number)[]
): string {
  const text = getMessage(key, substitutions.map(String));
  // An empty answer means a key the locale lacks; showing the key makes that visible at once.
  return text || key;
}
