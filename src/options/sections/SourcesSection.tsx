import { EmptyState } from '../../ui/EmptyState.tsx';
import { t } from '../../ui/i18n.ts';

export function SourcesSection() {
  return <EmptyState title={t('emptySourcesTitle')} body={t('emptySourcesBody')} />;
}
