import browser from 'webextension-polyfill';
import { type MessageKey, translator } from '../i18n/translate.ts';

export type { MessageKey } from '../i18n/translate.ts';

/** The one way page code gets a user-visible string. */
export const t = translator((name, values) => browser.i18n.getMessage(name, values));

/** Marks the page with the language its strings are in, so screen readers pronounce them right. */
export function applyDocumentLanguage(title: MessageKey) {
  document.documentElement.lang = browser.i18n.getMessage('@@ui_locale').split('_')[0] || 'en';
  document.title = t(title);
}
