import { t } from '../../ui/i18n.ts';
import { useStatus } from '../../ui/status-context.ts';
import { roleName, WorkerStatus } from '../../ui/WorkerStatus.tsx';
import { DeleteAllPanel } from '../settings/DeleteAllPanel.tsx';
import { PassphrasePanel } from '../settings/PassphrasePanel.tsx';

export function SettingsSection() {
  const { status } = useStatus();
  return (
    <>
      {status.state === 'ready' && (
        <>
          <p>{t('settingsRole', roleName(status.value.role))}</p>
          <PassphrasePanel status={status.value} />
          {status.value.role === 'administrator' && <DeleteAllPanel />}
        </>
      )}
      <WorkerStatus status={status} />
    </>
  );
}
