import { isUnreadableText } from '../../core/unreadable-text.ts';
import type { FileSegmentView } from '../../messaging/protocol.ts';
import { formatDateTime } from '../../ui/format.ts';
import { t } from '../../ui/i18n.ts';
import { RowButton } from '../../ui/RowButton.tsx';
import { reasonText } from '../../ui/reason-text.ts';
import { encodingLabels } from './encoding-labels.ts';

interface Props {
  files: FileSegmentView[];
  onReplace: (file: FileSegmentView) => void;
  onRename: (file: FileSegmentView) => void;
  onRemove: (file: FileSegmentView) => void;
}

export function FileSegmentList({ files, onReplace, onRename, onRemove }: Props) {
  return (
    <table class="table" aria-label={t('fileListLabel')}>
      <thead>
        <tr>
          <th scope="col">{t('fileColumnName')}</th>
          <th scope="col">{t('fileColumnFile')}</th>
          <th scope="col">{t('fileColumnEncoding')}</th>
          <th scope="col">{t('fileColumnMembers')}</th>
          <th scope="col">{t('fileColumnUnreadable')}</th>
          <th scope="col">{t('fileColumnUploaded')}</th>
          <th scope="col">{t('fileColumnUsedBy')}</th>
          <th scope="col">{t('connectionColumnActions')}</th>
        </tr>
      </thead>
      <tbody>
        {files.map((f) => (
          <tr key={f.id}>
            <th scope="row">{f.name}</th>
            <td data-label={t('fileColumnFile')}>{f.fileName}</td>
            <td data-label={t('fileColumnEncoding')}>
              {t(encodingLabels[f.encoding])}
              <EncodingProblems file={f} />
            </td>
            <td data-label={t('fileColumnMembers')}>{f.memberCount.toLocaleString()}</td>
            <td data-label={t('fileColumnUnreadable')}>
              {f.errorCount === 0 ? (
                '0'
              ) : (
                <details>
                  <summary>{t('fileUnreadableCount', f.errorCount)}</summary>
                  <ul class="compact">
                    {f.errors.map((e) => (
                      <li key={e.line}>{t('fileUnreadableLine', e.line, reasonText(e.reason))}</li>
                    ))}
                  </ul>
                </details>
              )}
            </td>
            <td data-label={t('fileColumnUploaded')}>{formatDateTime(f.uploadedAt)}</td>
            <td data-label={t('fileColumnUsedBy')}>{f.usedBy.join(', ')}</td>
            <td data-label={t('connectionColumnActions')} class="actions">
              <RowButton
                text={t('fileReplace')}
                label={t('fileReplaceNamed', f.name)}
                onClick={() => onReplace(f)}
              />
              <RowButton
                text={t('fileRename')}
                label={t('fileRenameNamed', f.name)}
                onClick={() => onRename(f)}
              />
              <RowButton
                text={t('actionRemove')}
                label={t('actionRemoveNamed', f.name)}
                onClick={() => onRemove(f)}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Text the file's encoding could not decode: it is never sent, and another encoding may read it. */
function EncodingProblems({ file }: { file: FileSegmentView }) {
  const header = file.fields.some(isUnreadableText);
  if (!header && file.unreadableCount === 0) return null;
  return (
    <details class="problem">
      <summary>
        {file.unreadableCount > 0
          ? t('fileUnreadableText', file.unreadableCount.toLocaleString())
          : t('fileUnreadableHeader')}
      </summary>
      {header && file.unreadableCount > 0 && <p>{t('fileUnreadableHeader')}</p>}
      <p>{t('fileUnreadableTextLines', file.unreadableLines.join(', ') || '—')}</p>
    </details>
  );
}
