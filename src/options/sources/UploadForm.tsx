import { useRef, useState } from 'preact/hooks';
import { FileParseError } from '../../core/file-parsing/parsed-page.ts';
import type { TextEncoding } from '../../core/file-parsing/text-encoding.ts';
import type { FileSegmentView } from '../../messaging/protocol.ts';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { FormActions } from '../../ui/FormActions.tsx';
import { t } from '../../ui/i18n.ts';
import { TextField } from '../../ui/TextField.tsx';
import { useFocusFirstField } from '../../ui/use-focus-row.ts';
import { EncodingChoice } from './EncodingChoice.tsx';
import { detectFileEncoding, type UploadProgress, uploadSegmentFile } from './upload-file.ts';

interface Props {
  /** Replace this file segment's data, keeping the exports that use it. */
  replacing?: FileSegmentView | undefined;
  onDone: (file: FileSegmentView) => void;
  onCancel: () => void;
}

const baseName = (fileName: string) => fileName.replace(/\.[^.]+$/, '');

export function UploadForm({ replacing, onDone, onCancel }: Props) {
  const form = useFocusFirstField<HTMLFormElement>();
  const [file, setFile] = useState<File | null>(null);
  const [detected, setDetected] = useState<TextEncoding | null>(null);
  const [encoding, setEncoding] = useState<TextEncoding | null>(null);
  const [name, setName] = useState(replacing?.name ?? '');
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);

  async function upload(event: Event) {
    event.preventDefault();
    if (!file || !encoding || !name.trim()) return;
    abort.current = new AbortController();
    setError(null);
    setProgress({ bytesRead: 0, bytesTotal: file.size, rows: 0, errors: 0 });
    try {
      const done = await uploadSegmentFile(
        file,
        { name: name.trim(), encoding, replaceSourceId: replacing?.id },
        setProgress,
        abort.current.signal,
      );
      onDone(done);
    } catch (e) {
      setProgress(null);
      if (!abort.current.signal.aborted) setError(e);
    }
  }

  async function choose(chosen: File | null) {
    setFile(chosen);
    setDetected(null);
    setEncoding(null);
    setError(null);
    if (!chosen) return;
    if (!replacing && !name) setName(baseName(chosen.name).slice(0, 100));
    try {
      const found = await detectFileEncoding(chosen);
      setDetected(found);
      setEncoding(found);
    } catch (e) {
      setError(e);
    }
  }

  function cancel() {
    abort.current?.abort();
    onCancel();
  }

  const fileProblem =
    error instanceof FileParseError
      ? {
          'header-missing': t('fileErrorHeaderMissing'),
          'header-empty': t('fileErrorHeaderEmpty'),
          'header-too-long': t('fileErrorHeaderTooLong'),
          'format-unsupported': t('fileErrorFormat'),
        }[error.code]
      : null;

  return (
    <form ref={form} class="form" onSubmit={upload} aria-labelledby="upload-title">
      <h3 id="upload-title">{replacing ? t('fileReplaceTitle', replacing.name) : t('fileUpload')}</h3>
      <label class="field">
        <span>{t('fileChoose')}</span>
        <input
          type="file"
          accept=".csv,.tsv,.txt,.jsonl,.ndjson,text/csv,text/tab-separated-values"
          onChange={(e) => void choose(e.currentTarget.files?.[0] ?? null)}
        />
      </label>
      <p class="hint">{t('fileFormats')}</p>
      {file && !detected && error === null && <p aria-live="polite">{t('fileEncodingDetecting')}</p>}
      {file && detected && encoding && (
        <EncodingChoice file={file} detected={detected} encoding={encoding} onChange={setEncoding} />
      )}
      <TextField label={t('fileSegmentName')} value={name} onInput={setName} maxLength={100} />
      {progress && (
        <div class="progress-block">
          <progress
            aria-label={t('fileUploadProgress')}
            max={Math.max(progress.bytesTotal, 1)}
            value={progress.bytesRead}
          />
          <p aria-live="polite">{t('fileUploadCounts', progress.rows, progress.errors)}</p>
        </div>
      )}
      {fileProblem ? <p role="alert">{fileProblem}</p> : error !== null && <ErrorMessage error={error} />}
      <FormActions
        canSubmit={file !== null && encoding !== null && name.trim() !== '' && progress === null}
        onCancel={cancel}
        submitText={t('fileUploadButton')}
      />
    </form>
  );
}
