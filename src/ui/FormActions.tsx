import { t } from './i18n.ts';

interface Props {
  /** Whether the submit button may be pressed now. */
  canSubmit: boolean;
  onCancel: () => void;
  /** The submit button's text; "Save" unless told. */
  submitText?: string;
  /** Id of a hint that says why the form cannot be submitted yet. */
  describedBy?: string;
}

/** A form's submit and Cancel buttons. */
export function FormActions({ canSubmit, onCancel, submitText, describedBy }: Props) {
  return (
    <div class="row">
      <button type="submit" disabled={!canSubmit} aria-describedby={describedBy}>
        {submitText ?? t('actionSave')}
      </button>
      <button type="button" class="secondary" onClick={onCancel}>
        {t('actionCancel')}
      </button>
    </div>
  );
}
