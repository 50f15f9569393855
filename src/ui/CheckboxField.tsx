import { useId } from 'preact/hooks';

interface Props {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  /** What choosing it means, read after the label. */
  hint: string;
}

/** A labelled checkbox with its explanation: the label is its accessible name, the hint its description. */
export function CheckboxField({ label, checked, onChange, hint }: Props) {
  const hintId = useId();
  return (
    <>
      <label class="choice">
        <input
          type="checkbox"
          checked={checked}
          aria-describedby={hintId}
          onChange={(e) => onChange(e.currentTarget.checked)}
        />
        {label}
      </label>
      <p id={hintId} class="hint">
        {hint}
      </p>
    </>
  );
}
