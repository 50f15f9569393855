import type { RunView } from '../messaging/protocol.ts';
import type { MessageKey } from './i18n.ts';

/** What a run does, as History names it: an export, or a run that takes tags back. */
export const runKindLabels: Record<RunView['job']['kind'], MessageKey> = {
  export: 'runKindExport',
  retire: 'runKindRetire',
  undo: 'runKindUndo',
};
