import browser from 'webextension-polyfill';
import type messages from '../../public/_locales/en/messages.json';

export type MessageKey = keyof typeof messages;

/**
 * The one way UI code gets a user-visible string. English is the reference locale: a test keeps
 * every key present in every locale and every key used.
 */
export function t(key: MessageKey, ...substitutions: (string | number)[]): string {
  const text = browser.i18n.getMessage(key, substitutions.map(String));
  // An empty answer means a key the locale lacks; showing the key makes that visible at once.
  return text || key;
}

/** Marks the page with the language its strings are in, so screen readers pronounce them right. */
export function applyDocumentLanguage(title: MessageKey) {
  document.documentElement.lang = browser.i18n.getMessage('@@ui_locale').split('_')[0] || 'en';
  document.title = t(title);
}
