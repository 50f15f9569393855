import type { ConnectionView } from '../../messaging/protocol.ts';
import { formatDateTime, formatNumber, formatTimeAgo } from '../../ui/format.ts';
import { t } from '../../ui/i18n.ts';
import { RowButton } from '../../ui/RowButton.tsx';
import { useFocusRow } from '../../ui/use-focus-row.ts';

interface Props {
  connections: ConnectionView[];
  /** The connection just saved: focus moves to its row. */
  focusId?: string | null;
  onEdit: (connection: ConnectionView) => void;
  onRemove: (connection: ConnectionView) => void;
}

/** The brand snapshot: a listing going on, or how old the last one is and how many contacts it holds. */
function snapshotState({ snapshot }: ConnectionView): string {
  if (snapshot.reading !== null) return t('connectionSnapshotReading', formatNumber(snapshot.reading));
  if (snapshot.listedAt === null) return t('connectionSnapshotNever');
  return t(
    'connectionSnapshotAge',
    formatTimeAgo(snapshot.listedAt, Date.now()),
    formatNumber(snapshot.count),
  );
}

function keyState(c: ConnectionView): string {
  if (c.problem === null) return t('connectionKeyAccepted');
  return c.problem.code === 'omnisend.invalid-api-key'
    ? t('connectionKeyRejected', formatDateTime(c.problem.at))
    : t('connectionKeyLacksPermission', formatDateTime(c.problem.at));
}

export function ConnectionTable({ connections, focusId, onEdit, onRemove }: Props) {
  const rowRef = useFocusRow(
    focusId,
    connections.map((c) => c.id),
  );
  const columns = {
    brand: t('connectionColumnBrand'),
    share: t('connectionColumnShare'),
    state: t('connectionColumnState'),
    added: t('connectionColumnAdded'),
    lastUsed: t('connectionColumnLastUsed'),
    snapshot: t('connectionColumnSnapshot'),
    key: t('connectionColumnKey'),
    actions: t('connectionColumnActions'),
  };
  return (
    <table class="table" aria-label={t('connectionListLabel')}>
      <thead>
        <tr>
          <th scope="col">{t('connectionColumnName')}</th>
          {Object.values(columns).map((label) => (
            <th scope="col" key={label}>
              {label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {connections.map((c) => (
          <tr key={c.id}>
            <th scope="row" tabIndex={-1} ref={c.id === focusId ? rowRef : undefined}>
              {c.displayName}
            </th>
            <td data-label={columns.brand}>{c.brand.name}</td>
            <td data-label={columns.share}>
              {c.shareWith === 'administrators'
                ? t('connectionShareAdministrators')
                : t('connectionShareContributors')}
            </td>
            <td data-label={columns.state} class={c.problem ? 'error-text' : undefined}>
              {keyState(c)}
            </td>
            <td data-label={columns.added}>{formatDateTime(c.createdAt)}</td>
            <td data-label={columns.lastUsed}>
              {c.lastUsedAt === null ? t('connectionNeverUsed') : formatDateTime(c.lastUsedAt)}
            </td>
            <td data-label={columns.snapshot} data-snapshot={c.id}>
              {snapshotState(c)}
            </td>
            <td data-label={columns.key}>
              <code>{c.keyHint}</code>
            </td>
            <td class="actions" data-label={columns.actions}>
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
