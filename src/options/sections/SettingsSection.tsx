import type { Status } from '../../messaging/protocol.ts';
import { t } from '../../ui/i18n.ts';
import type { AsyncState } from '../../ui/use-async.ts';
import { roleName, WorkerStatus } from '../../ui/WorkerStatus.tsx';

export function SettingsSection({ status }: { status: AsyncState<Status> }) {
  return (
    <>
      {status.state === 'ready' && <p>{t('settingsRole', roleName(status.value.role))}</p>}
      <WorkerStatus status={status} />
    </>
  );
}
