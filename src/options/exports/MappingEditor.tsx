import { useId } from 'preact/hooks';
import { normalizePropertyName } from '../../core/mapping/normalize-property.ts';
import { t } from '../../ui/i18n.ts';
import { type AttributeKind, type AttributeRow, addableKinds, attributeLabels } from './attributes.ts';

interface Props {
  fields: string[];
  email: string;
  rows: AttributeRow[];
  onEmail: (field: string) => void;
  onRows: (rows: AttributeRow[]) => void;
  nextId: () => number;
}

function FieldSelect(props: {
  label: string;
  value: string;
  fields: string[];
  onChange: (v: string) => void;
}) {
  // Labelled by id, not by wrapping: a wrapping label would fold the chosen option into the name.
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="">{t('mappingChooseField')}</option>
        {props.fields.map((f) => (
          <option key={f} value={f}>
            {f}
          </option>
        ))}
      </select>
    </div>
  );
}

/** "Data mapping": Email (required) and the attributes added with "Add attribute". */
export function MappingEditor({ fields, email, rows, onEmail, onRows, nextId }: Props) {
  const update = (id: number, change: Partial<AttributeRow>) =>
    onRows(rows.map((r) => (r.id === id ? { ...r, ...change } : r)));
  const addable = addableKinds(rows);
  const addId = useId();

  return (
    <fieldset class="field mapping">
      <legend>{t('mappingTitle')}</legend>
      <FieldSelect label={t('mappingEmail')} value={email} fields={fields} onChange={onEmail} />
      {rows.map((row) => {
        const label = t(attributeLabels[row.kind]);
        const propertyName = row.kind === 'customProperty' ? normalizePropertyName(row.extra) : null;
        return (
          <div class="mapping-row" key={row.id}>
            {row.kind === 'customProperty' && (
              <label class="field">
                <span>{t('mappingPropertyName')}</span>
                <input
                  type="text"
                  maxLength={128}
                  value={row.extra}
                  onInput={(e) => update(row.id, { extra: e.currentTarget.value })}
                  aria-describedby={`property-${row.id}`}
                />
                <span id={`property-${row.id}`} class="hint">
                  {propertyName?.ok
                    ? t('mappingPropertySentAs', propertyName.value)
                    : t('mappingPropertyNameNeeded')}
                </span>
              </label>
            )}
            <FieldSelect
              label={label}
              value={row.field}
              fields={fields}
              onChange={(v) => update(row.id, { field: v })}
            />
            {row.kind === 'consent' && (
              <FieldSelect
                label={t('mappingConsentChangedAt')}
                value={row.extra}
                fields={fields}
                onChange={(v) => update(row.id, { extra: v })}
              />
            )}
            <button
              type="button"
              class="secondary"
              aria-label={t('mappingRemoveAttribute', label)}
              onClick={() => onRows(rows.filter((r) => r.id !== row.id))}
            >
              {t('actionRemove')}
            </button>
          </div>
        );
      })}
      {addable.length > 0 && (
        <div class="field">
          <label for={addId}>{t('mappingAddAttribute')}</label>
          <select
            id={addId}
            value=""
            onChange={(e) => {
              const kind = e.currentTarget.value as AttributeKind | '';
              if (kind) onRows([...rows, { id: nextId(), kind, field: '', extra: '' }]);
              e.currentTarget.value = '';
            }}
          >
            <option value="">{t('mappingChooseAttribute')}</option>
            {addable.map((k) => (
              <option key={k} value={k}>
                {t(attributeLabels[k])}
              </option>
            ))}
          </select>
        </div>
      )}
    </fieldset>
  );
}
