import type { MessageKey } from '../ui/i18n.ts';

export const sections = ['overview', 'connections', 'exports', 'sources', 'history', 'settings'] as const;
export type Section = (typeof sections)[number];

export const sectionLabels: Record<Section, MessageKey> = {
  overview: 'navOverview',
  connections: 'navConnections',
  exports: 'navExports',
  sources: 'navSources',
  history: 'navHistory',
  settings: 'navSettings',
};

/**
 * The section named by the address's hash (`#exports`), so each one can be linked and reloaded;
 * the overview, with its three steps to a first export, when none is named.
 */
export function sectionFromHash(hash: string): Section {
  const name = hash.replace(/^#\/?/, '');
  return (sections as readonly string[]).includes(name) ? (name as Section) : 'overview';
}
