import browser from 'webextension-polyfill';

/** Options at one of its sections, in a new tab; `environment` pre-fills "Add Customer Insights environment". */
export function openOptionsAt(section: 'connections' | 'sources' | 'exports', environment?: string) {
  const query = environment ? `?environment=${encodeURIComponent(environment)}` : '';
  void browser.tabs.create({ url: browser.runtime.getURL(`options.html${query}#${section}`) });
}
