interface Props {
  /** What the button shows ("Edit"). */
  text: string;
  /** Its accessible name, naming the row ("Edit Main store"), since a table has many "Edit"s. */
  label: string;
  onClick: () => void;
  primary?: boolean;
  disabled?: boolean;
}

export function RowButton({ text, label, onClick, primary, disabled }: Props) {
  return (
    <button
      type="button"
      class={primary ? undefined : 'secondary'}
      aria-label={label}
      disabled={disabled}
      onClick={onClick}
    >
      {text}
    </button>
  );
}
