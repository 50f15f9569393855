import { EmptyState } from '../../ui/EmptyState.tsx';
import { t } from '../../ui/i18n.ts';

export function ConnectionsSection() {
  return <EmptyState title={t('emptyConnectionsTitle')} body={t('emptyConnectionsBody')} />;
}
