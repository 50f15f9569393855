import { useEffect, useState } from 'preact/hooks';
import type { Mapping } from '../../core/mapping/mapping.ts';
import { MessageError } from '../../messaging/message-error.ts';
import type { CheckStatus } from '../../messaging/protocol.ts';
import { ask } from '../../ui/worker.ts';

// The mapping changes with every choice; a check starts once the form is still for a moment.
const settleMs = 400;
const pollMs = 500;

export type CheckState =
  | { state: 'idle' }
  | { state: 'checking'; status: CheckStatus | null }
  | { state: 'failed'; error: unknown };

/**
 * The whole-source check of the segments with the mapping as it stands: started in the worker when
 * the form settles, polled while it runs, cancelled when the form changes or closes. A worker that
 * stopped meanwhile forgot the check; it is started again.
 */
export function useExportCheck(
  segments: readonly { sourceId: string; segmentId: string }[],
  mapping: Mapping | null,
): CheckState {
  const [state, setState] = useState<CheckState>({ state: 'idle' });
  const key = JSON.stringify([segments, mapping]);
  useEffect(() => {
    if (mapping === null || segments.length === 0) {
      setState({ state: 'idle' });
      return;
    }
    let live = true;
    let checkId: string | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const show = (status: CheckStatus) => {
      checkId = status.checkId;
      setState({ state: 'checking', status });
      if (status.state === 'running') timer = setTimeout(poll, pollMs);
    };
    const start = async () => {
      try {
        const status = await ask('exports.check', { segments: [...segments], mapping });
        if (live) show(status);
        else void ask('exports.checkCancel', { checkId: status.checkId }).catch(() => undefined);
      } catch (error) {
        if (live) setState({ state: 'failed', error });
      }
    };
    const poll = async () => {
      if (!live || checkId === null) return;
      try {
        const status = await ask('exports.checkStatus', { checkId });
        if (live) show(status);
      } catch (error) {
        if (!live) return;
        if (error instanceof MessageError && error.code === 'check-unknown') void start();
        else setState({ state: 'failed', error });
      }
    };
    setState({ state: 'checking', status: null });
    timer = setTimeout(() => void start(), settleMs);
    return () => {
      live = false;
      clearTimeout(timer);
      if (checkId !== null) void ask('exports.checkCancel', { checkId }).catch(() => undefined);
    };
  }, [key]);
  return state;
}
