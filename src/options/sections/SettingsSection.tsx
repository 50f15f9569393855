import type { Status } from '../../messaging/protocol.ts';
import { t } from '../../ui/i18n.ts';
import { useStatus } from '../../ui/status-context.ts';
import { DeleteAllPanel } from '../settings/DeleteAllPanel.tsx';
import { PassphrasePanel } from '../settings/PassphrasePanel.tsx';
import { RetentionPanel } from '../settings/RetentionPanel.tsx';

const roleName = (role: Status['role']) =>
  role === 'administrator' ? t('roleAdministrator') : t('roleContributor');

export function SettingsSection() {
  const { status } = useStatus();
  if (status.state !== 'ready') return null;
  return (
    <>
      <p>{t('settingsRole', roleName(status.value.role))}</p>
      <PassphrasePanel status={status.value} />
      <RetentionPanel canChange={status.value.role === 'administrator'} />
      {status.value.role === 'administrator' && <DeleteAllPanel />}
      <p class="hint">{t('settingsVersion', status.value.version)}</p>
    </>
  );
}
