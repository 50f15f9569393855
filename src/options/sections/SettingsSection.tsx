import { t } from '../../ui/i18n.ts';
import { useStatus } from '../../ui/status-context.ts';
import { roleName, WorkerStatus } from '../../ui/WorkerStatus.tsx';
import { DeleteAllPanel } from '../settings/DeleteAllPanel.tsx';
import { PassphrasePanel } from '../settings/PassphrasePanel.tsx';
import { RetentionPanel } from '../settings/RetentionPanel.tsx';

export function SettingsSection() {
  const { status } = useStatus();
  return (
    <>
      {status.state === 'ready' && (
        <>
          <p>{t('settingsRole', roleName(status.value.role))}</p>
          <PassphrasePanel status={status.value} />
          <RetentionPanel canChange={status.value.role === 'administrator'} />
          {status.value.role === 'administrator' && <DeleteAllPanel />}
        </>
      )}
      <WorkerStatus status={status} />
    </>
  );
}
