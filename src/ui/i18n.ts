import browser from 'webextension-polyfill';
import { type MessageKey, translate } from './translate.ts';

export type { MessageKey } from './translate.ts';

/** The one way UI code gets a user-visible string. */
export function t(key: MessageKey, ...substitutions: (string | number)[]): string {
  return translate((name, values) => browser.i18n.getMessage(name, values), key, ...substitutions);
}

/** Marks the page with the language its strings are in, so screen readers pronounce them right. */
export function applyDocumentLanguage(title: MessageKey) {
  document.documentElement.lang = browser.i18n.getMessage('@@ui_locale').split('_')[0] || 'en';
  document.title = t(title);
}
