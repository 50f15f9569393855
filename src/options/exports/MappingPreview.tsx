import type { Mapping } from '../../core/mapping/mapping.ts';
import { t } from '../../ui/i18n.ts';
import { reasonText } from '../../ui/reason-text.ts';
import { useAsync } from '../../ui/use-async.ts';
import { ask } from '../../ui/worker.ts';

interface Props {
  segment: { sourceId: string; segmentId: string };
  mapping: Mapping;
}

/** The first rows as Omnisend will receive them, with every problem the mapping finds. */
export function MappingPreview({ segment, mapping }: Props) {
  const key = JSON.stringify([segment, mapping]);
  const preview = useAsync(() => ask('exports.preview', { segment, mapping, limit: 5 }), [key]);
  if (preview.state !== 'ready') return null;
  return (
    <section aria-labelledby="preview-title" class="preview">
      <h4 id="preview-title">{t('previewTitle')}</h4>
      <table class="table" aria-labelledby="preview-title">
        <thead>
          <tr>
            <th scope="col">{t('previewRow')}</th>
            <th scope="col">{t('mappingEmail')}</th>
            <th scope="col">{t('previewContact')}</th>
            <th scope="col">{t('previewProblems')}</th>
          </tr>
        </thead>
        <tbody>
          {preview.value.rows.map((row) => (
            <tr key={row.position}>
              <td>{row.position}</td>
              <td>{row.email ?? t('previewRejected')}</td>
              <td>{row.contact && <pre class="contact-json">{row.contact}</pre>}</td>
              <td>
                <ul class="compact">
                  {row.problems.map((p) => (
                    <li key={p.field + p.reason}>{t('previewProblem', p.field, reasonText(p.reason))}</li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
