import type { Action, Notifications } from 'webextension-polyfill';
import { errorSentence } from '../i18n/error-text.ts';
import { type GetMessage, translator } from '../i18n/translate.ts';
import type { EngineEvent } from './engine/engine-types.ts';

export interface FeedbackDeps {
  action: Pick<Action.Static, 'setBadgeText' | 'setBadgeBackgroundColor'>;
  notifications: { create(id: string, options: Notifications.CreateNotificationOptions): Promise<unknown> };
  getMessage: GetMessage;
}

/**
 * What the user sees of a run outside the extension's pages: the percentage on the toolbar badge
 * while it works, a notification when it ends (DESIGN.md §8), and one when it waits for a new
 * Omnisend key.
 */
export function createRunFeedback({ action, notifications, getMessage }: FeedbackDeps) {
  const percents = new Map<string, number | null>();
  const t = translator(getMessage);

  function showBadge() {
    if (!percents.size) return action.setBadgeText({ text: '' });
    const known = [...percents.values()].filter((p) => p !== null);
    // A run whose total is unknown yet shows that it works, not a made-up number.
    if (known.length < percents.size) return action.setBadgeText({ text: '…' });
    return action.setBadgeText({ text: `${Math.floor(Math.min(...known))}%` });
  }

  return async (event: EngineEvent) => {
    if (event.type === 'storage-full') {
      // One notification, replaced rather than repeated while the watchdog keeps trying.
      await notifications.create('storage-full', {
        type: 'basic',
        iconUrl: 'icons/icon-128.png',
        title: t('extName'),
        message: t('notifyStorageFull'),
      });
      return;
    }
    const run = event.run;
    if (event.type === 'run-progress') {
      percents.set(run.id, run.percent);
      await action.setBadgeBackgroundColor({ color: '#1a7f5a' });
      await showBadge();
      return;
    }
    percents.delete(run.id);
    await showBadge();
    if (event.type === 'run-needs-attention') {
      const name = run.waiting?.params?.name ?? '';
      const reason =
        run.waiting?.code === 'omnisend.missing-permission'
          ? t('attentionKeyPermission', name)
          : t('attentionKeyRejected', name);
      // The same id as the run's end: the notification that it finished later replaces this one.
      await notifications.create(`run-${run.id}`, {
        type: 'basic',
        iconUrl: 'icons/icon-128.png',
        title: t('notifyTitle', run.exportName),
        message: t('notifyNeedsAttention', reason),
      });
      return;
    }
    const message =
      run.status === 'succeeded'
        ? run.job.kind === 'export'
          ? t('notifySucceeded', run.counts.sent, run.counts.tagged, run.counts.rejected)
          : t('notifyTagsTakenBack', run.counts.untagged, run.counts.tagged)
        : run.status === 'canceled'
          ? t('notifyCanceled')
          : t('notifyFailed', run.error ? errorSentence(t, run.error) : t('errorRunUnexpected'));
    await notifications.create(`run-${run.id}`, {
      type: 'basic',
      iconUrl: 'icons/icon-128.png',
      title: t('notifyTitle', run.exportName),
      message,
    });
  };
}
