import browser from 'webextension-polyfill';
import type { PreviewContact, PreviewRow } from '../../core/check/check-result.ts';
import type { Mapping } from '../../core/mapping/mapping.ts';
import type { ProblemGroup } from '../../core/problem-tally.ts';
import { MessageError } from '../../messaging/message-error.ts';
import type { CheckStatus } from '../../messaging/protocol.ts';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { type MessageKey, t } from '../../ui/i18n.ts';
import { ProblemGroups } from '../../ui/ProblemGroups.tsx';
import { reasonText } from '../../ui/reason-text.ts';
import { useExportCheck } from './use-export-check.ts';

interface Props {
  segments: readonly { sourceId: string; segmentId: string; tag: string }[];
  mapping: Mapping;
}

/**
 * Before anything runs: the whole segment through the mapping, counted and grouped, and the first
 * rows as the Omnisend contacts they become, in the words of the export's fields.
 */
export function ExportCheck({ segments, mapping }: Props) {
  const check = useExportCheck(
    segments.map(({ sourceId, segmentId }) => ({ sourceId, segmentId })),
    mapping,
  );
  if (check.state === 'idle') return null;
  if (check.state === 'failed') return <ErrorMessage error={check.error} />;
  const status = check.status;
  return (
    <section aria-labelledby="check-title" class="check">
      <h4 id="check-title">{t('checkTitle')}</h4>
      {status === null ? (
        <p aria-live="polite">{t('checkProgressUnknown', 0)}</p>
      ) : (
        <>
          <CheckProgress status={status} />
          {status.error && <ErrorMessage error={new MessageError(status.error)} />}
          <CheckSummary status={status} />
          <ContactPreview rows={status.result.preview} mapping={mapping} tags={segments.map((s) => s.tag)} />
        </>
      )}
    </section>
  );
}

function CheckProgress({ status }: { status: CheckStatus }) {
  const { rowsRead, rowsTotal, limitedTo, state, result } = status;
  if (state === 'running') {
    return (
      <div class="progress-block">
        <progress
          aria-label={t('checkProgressLabel')}
          max={Math.max(rowsTotal ?? rowsRead, 1)}
          value={rowsRead}
        />
        <p aria-live="polite">
          {rowsTotal === null
            ? t('checkProgressUnknown', rowsRead.toLocaleString())
            : t('checkProgress', rowsRead.toLocaleString(), rowsTotal.toLocaleString())}
        </p>
      </div>
    );
  }
  if (state !== 'done') return null;
  return (
    <p aria-live="polite">
      {limitedTo === null
        ? t('checkDone', result.rowsChecked.toLocaleString())
        : t('checkLimited', limitedTo.toLocaleString())}
    </p>
  );
}

function CheckSummary({ status }: { status: CheckStatus }) {
  const { result } = status;
  const of = (kind: ProblemGroup['kind']) => result.groups.filter((g) => g.kind === kind);
  const counts: [MessageKey, number][] = [
    ['checkContacts', result.contacts],
    ['checkNotSent', result.rowsNotSent],
    ['checkLeftOut', result.valuesLeftOut],
    ['checkWarnings', result.warnings],
  ];
  return (
    <>
      <dl class="counts" aria-label={t('checkTitle')}>
        {counts.map(([label, count]) => (
          <div key={label}>
            <dt>{t(label)}</dt>
            <dd>{count.toLocaleString()}</dd>
          </div>
        ))}
      </dl>
      {status.state === 'done' && result.groups.length === 0 && <p>{t('checkAllGood')}</p>}
      {of('row').length > 0 && <h5>{t('checkNotSent')}</h5>}
      <ProblemGroups label={t('checkNotSent')} groups={of('row')} />
      {of('field').length > 0 && <h5>{t('checkLeftOut')}</h5>}
      <ProblemGroups label={t('checkLeftOut')} groups={of('field')} />
      {of('warning').length > 0 && (
        <>
          <h5>{t('checkWarnings')}</h5>
          <p class="hint">{t('checkWarningsHelp')}</p>
        </>
      )}
      <ProblemGroups label={t('checkWarnings')} groups={of('warning')} />
    </>
  );
}

type Column = { label: string; value: (contact: PreviewContact) => string | undefined };

/** The contact's fields that the mapping fills, in the order Omnisend shows them. */
function columnsOf(mapping: Mapping): Column[] {
  const language = browser.i18n.getUILanguage();
  const regions = new Intl.DisplayNames([language], { type: 'region', fallback: 'code' });
  const dates = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' });
  const text = (label: MessageKey, pick: (c: PreviewContact) => string | undefined): Column => ({
    label: t(label),
    value: pick,
  });
  const columns: [keyof Mapping, Column][] = [
    ['firstName', text('attrFirstName', (c) => c.firstName)],
    ['lastName', text('attrLastName', (c) => c.lastName)],
    ['address', text('attrAddress', (c) => c.address)],
    ['city', text('attrCity', (c) => c.city)],
    ['state', text('attrState', (c) => c.state)],
    ['postalCode', text('attrPostalCode', (c) => c.postalCode)],
    [
      'country',
      text('attrCountry', (c) => c.countryCode && `${regions.of(c.countryCode)} (${c.countryCode})`),
    ],
    ['phone', text('attrPhone', (c) => c.phone)],
    [
      'birthdate',
      text('attrBirthdate', (c) => c.birthdate && dates.format(new Date(`${c.birthdate}T00:00:00Z`))),
    ],
    [
      'gender',
      text(
        'attrGender',
        (c) => c.gender && t(c.gender === 'f' ? 'previewGenderFemale' : 'previewGenderMale'),
      ),
    ],
    [
      'consent',
      text(
        'attrConsent',
        (c) =>
          c.subscription && t(c.subscription === 'subscribed' ? 'previewSubscribed' : 'previewUnsubscribed'),
      ),
    ],
  ];
  const mapped = columns
    .filter(([attribute]) => mapping[attribute] !== undefined)
    .map(([, column]) => column);
  for (const { name } of mapping.customProperties ?? []) {
    mapped.push({ label: name, value: (c) => c.customProperties?.[name]?.toString() });
  }
  return mapped;
}

function ContactPreview({ rows, mapping, tags }: { rows: PreviewRow[]; mapping: Mapping; tags: string[] }) {
  if (rows.length === 0) return null;
  const columns = columnsOf(mapping);
  return (
    <>
      <h4 id="preview-title">{t('previewTitle')}</h4>
      {/* A wide table scrolls in its own box; the box takes focus so the keyboard can scroll it too. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable (WCAG 2.1.1) */}
      <section class="preview" aria-labelledby="preview-title" tabIndex={0}>
        <table class="table table--wide" aria-labelledby="preview-title">
          <thead>
            <tr>
              <th scope="col">{t('previewRow')}</th>
              <th scope="col">{t('mappingEmail')}</th>
              {columns.map((column) => (
                <th scope="col" key={column.label}>
                  {column.label}
                </th>
              ))}
              <th scope="col">{t('previewTags')}</th>
              <th scope="col">{t('previewProblems')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={`${row.segment}-${row.position}`}>
                <td>{row.position}</td>
                <th scope="row">{row.email ?? '—'}</th>
                {columns.map((column) => (
                  <td key={column.label}>{(row.contact && column.value(row.contact)) ?? ''}</td>
                ))}
                <td>{row.contact && row.duplicateOf?.segment !== row.segment ? tags[row.segment] : ''}</td>
                <td>
                  <ul class="compact">
                    {row.duplicateOf && (
                      <li>
                        {row.duplicateOf.segment === row.segment
                          ? t('previewMergesInto', row.duplicateOf.position)
                          : t('previewSameContact', row.duplicateOf.position)}
                      </li>
                    )}
                    {row.problems.map((p) => (
                      <li key={p.field + p.reason}>
                        {p.kind === 'row'
                          ? t('previewNotSent', reasonText(p.reason))
                          : t('previewProblem', p.field, reasonText(p.reason))}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
