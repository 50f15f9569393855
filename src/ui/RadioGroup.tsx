interface Option<T extends string> {
  value: T;
  label: string;
  /** A sentence under the choice that says what it does. */
  help?: string;
}

interface Props<T extends string> {
  legend: string;
  name: string;
  value: T;
  options: Option<T>[];
  onChange: (value: T) => void;
}

/** A labelled group of radio buttons: the fieldset's legend names the group for screen readers. */
export function RadioGroup<T extends string>({ legend, name, value, options, onChange }: Props<T>) {
  return (
    <fieldset class="field">
      <legend>{legend}</legend>
      {options.map((option) => (
        <div key={option.value}>
          <label class="choice">
            <input
              type="radio"
              name={name}
              checked={value === option.value}
              onChange={() => onChange(option.value)}
            />
            {option.label}
          </label>
          {option.help && <p class="hint indent">{option.help}</p>}
        </div>
      ))}
    </fieldset>
  );
}
