import { MessageError } from '../messaging/message-error.ts';
import type { Status } from '../messaging/protocol.ts';
import { t } from './i18n.ts';
import type { AsyncState } from './use-async.ts';

export function roleName(role: Status['role']): string {
  return role === 'administrator' ? t('roleAdministrator') : t('roleContributor');
}

export function WorkerStatus({ status }: { status: AsyncState<Status> }) {
  return (
    <section aria-labelledby="status-heading" class="worker-status">
      <h2 id="status-heading">{t('statusHeading')}</h2>
      {status.state === 'loading' && <p>{t('statusLoading')}</p>}
      {status.state === 'failed' && (
        <p role="alert">
          {status.error instanceof MessageError && status.error.code === 'storage-unavailable'
            ? t('errorStorageUnavailable')
            : t('statusUnavailable')}
        </p>
      )}
      {status.state === 'ready' && (
        <>
          <p data-testid="status-version">{t('statusVersion', status.value.version)}</p>
          <p data-testid="status-role">{roleName(status.value.role)}</p>
          <p data-testid="status-counts">
            {t(
              'statusCounts',
              status.value.counts.connections,
              status.value.counts.exports,
              status.value.counts.runs,
            )}
          </p>
        </>
      )}
    </section>
  );
}
