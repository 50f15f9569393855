import { useId } from 'preact/hooks';

interface Props {
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: 'text' | 'password';
  required?: boolean;
  maxLength?: number;
  /** Ids, keys and names: no spell checking. */
  verbatim?: boolean;
  describedBy?: string;
}

/** A labelled text input: the label is its accessible name. Passwords are never autofilled. */
export function TextField({
  label,
  value,
  onInput,
  type = 'text',
  required,
  maxLength,
  verbatim,
  describedBy,
}: Props) {
  const id = useId();
  const common = {
    id,
    required,
    maxLength,
    spellcheck: verbatim ? false : undefined,
    'aria-describedby': describedBy,
    value,
    onInput: (e: { currentTarget: HTMLInputElement }) => onInput(e.currentTarget.value),
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {type === 'password' ? (
        <input type="password" autocomplete="off" {...common} />
      ) : (
        <input type="text" {...common} />
      )}
    </div>
  );
}
