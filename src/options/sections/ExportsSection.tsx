import { EmptyState } from '../../ui/EmptyState.tsx';
import { t } from '../../ui/i18n.ts';

export function ExportsSection() {
  return <EmptyState title={t('emptyExportsTitle')} body={t('emptyExportsBody')} />;
}
