import { useState } from 'preact/hooks';
import type { FileSegmentView } from '../../messaging/protocol.ts';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { t } from '../../ui/i18n.ts';
import { useStatus } from '../../ui/status-context.ts';
import { useAction } from '../../ui/use-action.ts';
import { useAsync } from '../../ui/use-async.ts';
import { ask } from '../../ui/worker.ts';
import { CustomerInsightsPanel } from '../sources/CustomerInsightsPanel.tsx';
import { FileSegmentList } from '../sources/FileSegmentList.tsx';
import { UploadForm } from '../sources/UploadForm.tsx';

export function SourcesSection() {
  const { refresh } = useStatus();
  const [version, setVersion] = useState(0);
  const list = useAsync(() => ask('sources.list', {}), [version]);
  const [uploading, setUploading] = useState<'new' | FileSegmentView | null>(null);
  const [environmentCount, setEnvironmentCount] = useState(0);
  const reload = () => {
    setUploading(null);
    setVersion((v) => v + 1);
    refresh();
  };

  const { error, run: act } = useAction(reload);

  const rename = (file: FileSegmentView) => {
    const name = prompt(t('fileRenamePrompt'), file.name)?.trim();
    if (name && name !== file.name)
      void act(() => ask('files.rename', { id: file.id, name: name.slice(0, 100) }));
  };
  const remove = (file: FileSegmentView) => {
    if (confirm(t('fileRemoveConfirm', file.name))) void act(() => ask('files.remove', { id: file.id }));
  };

  if (list.state === 'loading') return null;
  if (list.state === 'failed') return <ErrorMessage error={list.error} />;
  const files = list.value.files;
  return (
    <>
      {uploading === null ? (
        <button type="button" onClick={() => setUploading('new')}>
          {t('fileUpload')}
        </button>
      ) : (
        <UploadForm
          key={uploading === 'new' ? 'new' : uploading.id}
          replacing={uploading === 'new' ? undefined : uploading}
          onDone={reload}
          onCancel={() => setUploading(null)}
        />
      )}
      {error !== null && <ErrorMessage error={error} />}
      {files.length === 0 && environmentCount === 0 && uploading === null && (
        <EmptyState title={t('emptySourcesTitle')} body={t('emptySourcesBody')} />
      )}
      {files.length > 0 && (
        <FileSegmentList files={files} onReplace={setUploading} onRename={rename} onRemove={remove} />
      )}
      <CustomerInsightsPanel onCount={setEnvironmentCount} />
    </>
  );
}
