import type { RunStatusName } from '../messaging/protocol.ts';
import type { MessageKey } from './i18n.ts';

export const runStatusLabels: Record<RunStatusName, MessageKey> = {
  queued: 'runStatusQueued',
  running: 'runStatusRunning',
  succeeded: 'runStatusSucceeded',
  failed: 'runStatusFailed',
  canceled: 'runStatusCanceled',
};

/** Whether a run of this status still holds its export ("Run now" waits for it). */
export const isUnderway = (status: RunStatusName | undefined) => status === 'queued' || status === 'running';
