import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { Schedule, SyncMode } from '../../core/export-definition.ts';
import type { Mapping } from '../../core/mapping/mapping.ts';
import { sanitizeTag } from '../../core/tag-name.ts';
import type { ExportDraft, RequestOf, SegmentChoice } from '../../messaging/protocol.ts';
import { ChangePreview } from '../../ui/ChangePreview.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { FormActions } from '../../ui/FormActions.tsx';
import { t } from '../../ui/i18n.ts';
import { RadioGroup } from '../../ui/RadioGroup.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useAsync } from '../../ui/use-async.ts';
import { useFocusFirstField } from '../../ui/use-focus-row.ts';
import { ask } from '../../ui/worker.ts';
import { type AttributeRow, mappingFromRows, rowsFromMapping } from './attributes.ts';
import { DefaultCountrySelect } from './DefaultCountrySelect.tsx';
import { ExportCheck } from './ExportCheck.tsx';
import { MappingEditor } from './MappingEditor.tsx';
import { defaultRetireChoice, type RetireChoice, RetireTagsChoice } from './RetireTagsChoice.tsx';
import { ScheduleEditor } from './ScheduleEditor.tsx';

interface Props {
  exportId?: string | undefined;
  /** With the id of the export saved. */
  onSaved: (id: string) => void;
  onCancel: () => void;
}

interface Loaded {
  connections: { id: string; displayName: string }[];
  segments: SegmentChoice[];
  draft: (Omit<ExportDraft, 'connectionId'> & { connectionId: string | null }) | null;
  /** The version of the export as loaded; saving sends it back. */
  version: number | null;
}

const keyOf = (s: { sourceId: string; segmentId: string }) => `${s.sourceId}\u0000${s.segmentId}`;

async function load(exportId: string | undefined): Promise<Loaded> {
  const [connections, segments, existing] = await Promise.all([
    ask('connections.list', {}),
    ask('exports.segments', {}),
    exportId ? ask('exports.get', { id: exportId }) : Promise.resolve(null),
  ]);
  return {
    connections: connections.connections.map((c) => ({ id: c.id, displayName: c.displayName })),
    segments: segments.segments,
    draft: existing?.draft ?? null,
    version: existing?.version ?? null,
  };
}

export function ExportForm(props: Props) {
  const loaded = useAsync(() => load(props.exportId), [props.exportId]);
  if (loaded.state === 'loading') return null;
  if (loaded.state === 'failed') return <ErrorMessage error={loaded.error} />;
  return <ExportFormFields {...props} loaded={loaded.value} />;
}

function ExportFormFields({ exportId, onSaved, onCancel, loaded }: Props & { loaded: Loaded }) {
  const draft = loaded.draft;
  const ids = useRef(0);
  const connectionFieldId = useId();
  const nextId = () => ++ids.current;
  const [name, setName] = useState(draft?.name ?? '');
  const [connectionId, setConnectionId] = useState(draft?.connectionId ?? loaded.connections[0]?.id ?? '');
  const [tags, setTags] = useState<Map<string, string>>(
    () => new Map((draft?.segments ?? []).map((s) => [keyOf(s), s.tag])),
  );
  const [email, setEmail] = useState(draft?.mapping.email ?? '');
  const [rows, setRows] = useState<AttributeRow[]>(() =>
    draft ? rowsFromMapping(draft.mapping, nextId) : [],
  );
  const [defaultCountry, setDefaultCountry] = useState(draft?.mapping.defaultCountry ?? '');
  const [syncMode, setSyncMode] = useState<SyncMode>(draft?.syncMode ?? 'mirror');
  const [schedule, setSchedule] = useState<Schedule>(draft?.schedule ?? { kind: 'manual' });
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const form = useFocusFirstField<HTMLFormElement>();

  const chosen = loaded.segments.filter((s) => tags.has(keyOf(s)));
  const chosenKey = chosen.map(keyOf).join('|');
  const fields = useAsync(
    async () =>
      chosen.length
        ? ask('exports.fields', {
            segments: chosen.map(({ sourceId, segmentId }) => ({ sourceId, segmentId })),
          })
        : { fields: [] as string[], suggested: {} as Partial<Mapping> },
    [chosenKey],
  );

  // A new export starts from the mapping suggested by the field names, once fields are known.
  const suggestedOnce = useRef(Boolean(draft));
  useEffect(() => {
    if (suggestedOnce.current || fields.state !== 'ready' || !fields.value.fields.length) return;
    suggestedOnce.current = true;
    const { email: suggestedEmail, ...rest } = fields.value.suggested;
    if (suggestedEmail) setEmail(suggestedEmail);
    setRows(rowsFromMapping(rest, nextId));
  }, [fields]);

  const toggle = (segment: SegmentChoice, on: boolean) => {
    const next = new Map(tags);
    if (on) next.set(keyOf(segment), segment.suggestedTag);
    else next.delete(keyOf(segment));
    setTags(next);
  };

  const mapping = {
    ...mappingFromRows(email, rows),
    ...(defaultCountry ? { defaultCountry } : {}),
  };
  const sanitized = chosen.map((s) => ({ segment: s, tag: sanitizeTag(tags.get(keyOf(s)) ?? '') }));
  const canSave =
    name.trim() !== '' &&
    connectionId !== '' &&
    chosen.length > 0 &&
    email !== '' &&
    sanitized.every((s) => s.tag.ok);

  const segments = sanitized.map(({ segment, tag }) => ({
    sourceId: segment.sourceId,
    segmentId: segment.segmentId,
    displayName: segment.displayName,
    tag: tag.ok ? tag.value : '',
  }));
  /** "Preview changes" of the form as it stands; a new round each time it is chosen. */
  const [preview, setPreview] = useState<{ round: number; request: RequestOf<'exports.preview'> } | null>(
    null,
  );
  const showPreview = () =>
    setPreview({
      round: (preview?.round ?? 0) + 1,
      request: {
        ...(exportId ? { id: exportId } : {}),
        draft: { connectionId, segments, mapping, syncMode },
      },
    });

  // Tags the save stops using (a segment left, a tag renamed): the user says whether they go.
  const kept = new Set(sanitized.map(({ tag }) => (tag.ok ? tag.value : '')));
  const retired =
    draft && draft.connectionId === connectionId
      ? draft.segments.map((s) => s.tag).filter((tag) => !kept.has(tag))
      : [];
  const [asking, setAsking] = useState(false);
  const [retire, setRetire] = useState<RetireChoice>(defaultRetireChoice(draft?.syncMode ?? 'mirror'));

  function submit(event: Event) {
    event.preventDefault();
    if (!canSave) return;
    if (retired.length > 0) setAsking(true);
    else void save(false);
  }

  async function save(retireTags: boolean) {
    setAsking(false);
    setSaving(true);
    setError(null);
    try {
      const { id } = await ask('exports.save', {
        ...(exportId ? { id: exportId, version: loaded.version ?? -1 } : {}),
        retireTags,
        draft: { name: name.trim(), connectionId, segments, mapping, syncMode, schedule },
      });
      onSaved(id);
    } catch (e) {
      setError(e);
      setSaving(false);
    }
  }

  return (
    <form ref={form} class="form form--wide" onSubmit={submit} aria-labelledby="export-form-title">
      <h3 id="export-form-title">{exportId ? t('exportEditTitle') : t('exportAdd')}</h3>
      <TextField label={t('exportName')} value={name} onInput={setName} maxLength={100} />
      <div class="field">
        <label for={connectionFieldId}>{t('exportConnection')}</label>
        <select
          id={connectionFieldId}
          value={connectionId}
          onChange={(e) => setConnectionId(e.currentTarget.value)}
        >
          {connectionId === '' && <option value="">{t('exportNoConnection')}</option>}
          {loaded.connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.displayName}
            </option>
          ))}
        </select>
      </div>
      {loaded.connections.length === 0 && <p class="hint">{t('exportNeedsConnection')}</p>}

      <fieldset class="field">
        <legend>{t('exportSegments')}</legend>
        {loaded.segments.length === 0 && <p class="hint">{t('exportNeedsSegment')}</p>}
        {loaded.segments.map((segment) => {
          const key = keyOf(segment);
          const on = tags.has(key);
          const tag = on ? sanitizeTag(tags.get(key) ?? '') : null;
          return (
            <div key={key} class="segment-choice">
              <label class="choice">
                <input
                  type="checkbox"
                  checked={on}
                  onChange={(e) => toggle(segment, e.currentTarget.checked)}
                />
                {segment.memberCount === null
                  ? segment.displayName
                  : t('exportSegmentWithCount', segment.displayName, segment.memberCount.toLocaleString())}
              </label>
              {on && (
                <label class="field indent">
                  <span>{t('exportTagFor', segment.displayName)}</span>
                  <input
                    type="text"
                    maxLength={200}
                    value={tags.get(key) ?? ''}
                    onInput={(e) => setTags(new Map(tags).set(key, e.currentTarget.value))}
                  />
                  <span class="hint" aria-live="polite">
                    {tag?.ok ? t('exportTagPreview', tag.value) : t('exportTagEmpty')}
                  </span>
                </label>
              )}
            </div>
          );
        })}
      </fieldset>

      {chosen.length > 0 && fields.state === 'ready' && (
        <MappingEditor
          fields={fields.value.fields}
          email={email}
          rows={rows}
          onEmail={setEmail}
          onRows={setRows}
          nextId={nextId}
        />
      )}
      <DefaultCountrySelect value={defaultCountry} onChange={setDefaultCountry} />
      {chosen.length > 0 && email && (
        <ExportCheck
          segments={sanitized.map(({ segment, tag }) => ({
            sourceId: segment.sourceId,
            segmentId: segment.segmentId,
            tag: tag.ok ? tag.value : '',
          }))}
          mapping={mapping}
        />
      )}

      <RadioGroup
        legend={t('exportSyncMode')}
        name="sync-mode"
        value={syncMode}
        onChange={setSyncMode}
        options={[
          { value: 'mirror', label: t('exportSyncMirror'), help: t('exportSyncMirrorHelp') },
          { value: 'add-only', label: t('exportSyncAddOnly'), help: t('exportSyncAddOnlyHelp') },
        ]}
      />

      <ScheduleEditor
        schedule={schedule}
        onChange={setSchedule}
        refreshTracked={chosen.every((s) => s.refreshTracked)}
      />

      <div class="row">
        <button type="button" disabled={!canSave} onClick={showPreview}>
          {t('changePreviewButton')}
        </button>
      </div>
      {preview && <ChangePreview key={preview.round} request={preview.request} name={name} />}

      {error !== null && <ErrorMessage error={error} />}
      <FormActions canSubmit={canSave && !saving} onCancel={onCancel} />
      <p class="hint">{t('exportSaveNeverRuns')}</p>
      {asking && (
        <Dialog title={t('retireTitle')} onClose={() => setAsking(false)}>
          <p>{t('retireBody', retired.join(', '))}</p>
          <RetireTagsChoice value={retire} onChange={setRetire} />
          <div class="row">
            <button type="button" onClick={() => void save(retire === 'remove')}>
              {t('actionSave')}
            </button>
            <button type="button" class="secondary" onClick={() => setAsking(false)}>
              {t('actionCancel')}
            </button>
          </div>
        </Dialog>
      )}
    </form>
  );
}
