import { EmptyState } from '../../ui/EmptyState.tsx';
import { t } from '../../ui/i18n.ts';

export function HistorySection() {
  return <EmptyState title={t('emptyHistoryTitle')} body={t('emptyHistoryBody')} />;
}
