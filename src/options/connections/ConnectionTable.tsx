import type { ConnectionView } from '../../messaging/protocol.ts';
import { formatDateTime } from '../../ui/format.ts';
import { t } from '../../ui/i18n.ts';
import { RowButton } from '../../ui/RowButton.tsx';

interface Props {
  connections: ConnectionView[];
  onEdit: (connection: ConnectionView) => void;
  onRemove: (connection: ConnectionView) => void;
}

export function ConnectionTable({ connections, onEdit, onRemove }: Props) {
  return (
    <table class="table" aria-label={t('connectionListLabel')}>
      <thead>
        <tr>
          <th scope="col">{t('connectionColumnName')}</th>
          <th scope="col">{t('connectionColumnBrand')}</th>
          <th scope="col">{t('connectionColumnShare')}</th>
          <th scope="col">{t('connectionColumnAdded')}</th>
          <th scope="col">{t('connectionColumnLastUsed')}</th>
          <th scope="col">{t('connectionColumnKey')}</th>
          <th scope="col">{t('connectionColumnActions')}</th>
        </tr>
      </thead>
      <tbody>
        {connections.map((c) => (
          <tr key={c.id}>
            <th scope="row">{c.displayName}</th>
            <td>{c.brand.name}</td>
            <td>
              {c.shareWith === 'administrators'
                ? t('connectionShareAdministrators')
                : t('connectionShareContributors')}
            </td>
            <td>{formatDateTime(c.createdAt)}</td>
            <td>{c.lastUsedAt === null ? t('connectionNeverUsed') : formatDateTime(c.lastUsedAt)}</td>
            <td>
              <code>{c.keyHint}</code>
            </td>
            <td class="actions">
              <RowButton
                text={t('actionEdit')}
                label={t('actionEditNamed', c.displayName)}
                onClick={() => onEdit(c)}
              />
              <RowButton
                text={t('actionRemove')}
                label={t('actionRemoveNamed', c.displayName)}
                onClick={() => onRemove(c)}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
