import { useId, useState } from 'preact/hooks';
import type {
  CustomerInsightsEnvironmentView,
  CustomerInsightsKnownSegment,
} from '../../messaging/protocol.ts';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { t } from '../../ui/i18n.ts';
import { RowButton } from '../../ui/RowButton.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { ask } from '../../ui/worker.ts';
import { environmentLabel } from './CustomerInsightsTable.tsx';

interface Props {
  environment: CustomerInsightsEnvironmentView;
  /** Administrators add and remove segments; contributors may count one again (background/permissions.ts). */
  administrator: boolean;
  onChanged: () => void;
}

export function memberText(
  segment: Pick<CustomerInsightsKnownSegment, 'memberCount' | 'countComplete'>,
): string {
  const count = segment.memberCount.toLocaleString();
  return segment.countComplete ? count : t('ciSegmentMoreThan', count);
}

/**
 * The segments of an environment read through Dataverse. Dataverse publishes no list of segments
 * (customer-insights.md §2b), so they come from segment pages the user opened and from output names
 * the user enters here – each counted before it is kept.
 */
export function DataverseSegments({ environment, administrator, onChanged }: Props) {
  const headingId = useId();
  const [outputName, setOutputName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const label = environmentLabel(environment);
  const segments = [...environment.segments].sort((a, b) => a.displayName.localeCompare(b.displayName));

  async function act(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      onChanged();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function add(event: Event) {
    event.preventDefault();
    const added = await act(() =>
      ask('customer-insights.segments.add', {
        id: environment.id,
        outputName: outputName.trim(),
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
      }),
    );
    if (added) {
      setOutputName('');
      setDisplayName('');
    }
  }

  return (
    <section aria-labelledby={headingId} class="dataverse-segments">
      <h4 id={headingId}>{t('ciSegmentsHeading', label)}</h4>
      <p class="hint">{t('ciSegmentsHint')}</p>
      {segments.length === 0 ? (
        <p>{t('ciSegmentsEmpty')}</p>
      ) : (
        <table class="table" aria-label={t('ciSegmentsHeading', label)}>
          <thead>
            <tr>
              <th scope="col">{t('ciSegmentColumnName')}</th>
              <th scope="col">{t('ciSegmentOutputName')}</th>
              <th scope="col">{t('ciSegmentColumnMembers')}</th>
              <th scope="col">{t('ciSegmentColumnCounted')}</th>
              <th scope="col">{t('connectionColumnActions')}</th>
            </tr>
          </thead>
          <tbody>
            {segments.map((s) => (
              <tr key={s.id}>
                <th scope="row">{s.displayName}</th>
                <td>{s.id}</td>
                <td>{memberText(s)}</td>
                <td>{formatDateTime(s.countedAt)}</td>
                <td class="actions">
                  <RowButton
                    text={t('ciSegmentRecount')}
                    label={t('ciSegmentRecountNamed', s.displayName)}
                    disabled={busy}
                    onClick={() =>
                      void act(() =>
                        ask('customer-insights.segments.recount', { id: environment.id, segmentId: s.id }),
                      )
                    }
                  />
                  {administrator && (
                    <RowButton
                      text={t('actionRemove')}
                      label={t('ciSegmentRemoveNamed', s.displayName)}
                      disabled={busy}
                      onClick={() =>
                        void act(() =>
                          ask('customer-insights.segments.remove', { id: environment.id, segmentId: s.id }),
                        )
                      }
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {administrator && (
        <form
          class="form inline-form"
          onSubmit={(e) => void add(e)}
          aria-label={t('ciSegmentAddNamed', label)}
        >
          <TextField
            label={t('ciSegmentOutputName')}
            value={outputName}
            onInput={setOutputName}
            required
            verbatim
          />
          <p class="hint">{t('ciSegmentOutputNameHint')}</p>
          <TextField
            label={t('ciSegmentDisplayName')}
            value={displayName}
            onInput={setDisplayName}
            maxLength={100}
          />
          <div class="row">
            <button type="submit" disabled={busy || outputName.trim() === ''}>
              {t('ciSegmentAdd')}
            </button>
            {busy && <span role="status">{t('ciSegmentCounting')}</span>}
          </div>
        </form>
      )}
      {error !== null && <ErrorMessage error={error} />}
    </section>
  );
}
