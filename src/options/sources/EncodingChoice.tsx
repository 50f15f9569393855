import { useId } from 'preact/hooks';
import { type TextEncoding, textEncodings } from '../../core/file-parsing/text-encoding.ts';
import { t } from '../../ui/i18n.ts';
import { useAsync } from '../../ui/use-async.ts';
import { encodingLabels } from './encoding-labels.ts';
import { previewSegmentFile } from './upload-file.ts';

interface Props {
  file: File;
  detected: TextEncoding;
  encoding: TextEncoding;
  onChange: (encoding: TextEncoding) => void;
}

/**
 * The encoding a file is read in, detected and changeable, with the first rows as that encoding
 * reads them: a wrong choice shows as broken names before anything is uploaded.
 */
export function EncodingChoice({ file, detected, encoding, onChange }: Props) {
  const id = useId();
  const hintId = useId();
  const preview = useAsync(() => previewSegmentFile(file, encoding), [file, encoding]);
  return (
    <>
      <div class="field">
        <label for={id}>{t('fileEncoding')}</label>
        <select
          id={id}
          value={encoding}
          aria-describedby={hintId}
          onChange={(e) => onChange(e.currentTarget.value as TextEncoding)}
        >
          {textEncodings.map((name) => (
            <option key={name} value={name}>
              {t(encodingLabels[name])}
            </option>
          ))}
        </select>
        <span id={hintId} class="hint">
          {encoding === detected
            ? t('fileEncodingDetected', t(encodingLabels[detected]))
            : t('fileEncodingChosen', t(encodingLabels[encoding]), t(encodingLabels[detected]))}
        </span>
      </div>
      {preview.state === 'ready' && preview.value.fields.length > 0 && (
        <div class="preview">
          <table class="table" aria-label={t('filePreviewLabel')}>
            <thead>
              <tr>
                {preview.value.fields.map((field) => (
                  <th scope="col" key={field}>
                    {field}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.value.rows.map((row) => (
                <tr key={row.line}>
                  {preview.value.fields.map((field) => (
                    <td key={field}>{row.values[field] ?? ''}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {preview.value.unreadable && <p role="alert">{t('filePreviewUnreadable')}</p>}
        </div>
      )}
    </>
  );
}
