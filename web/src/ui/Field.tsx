import type { ComponentChildren } from "preact";

let next = 0;
const newId = () => `f${++next}`;

/** A labelled input: every control in the console has a visible label. */
export function Field(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: "text" | "password" | "number" | "date" | "email" | "search";
  name?: string;
  required?: boolean;
  autocomplete?: string;
  error?: string;
}) {
  const id = props.name ?? newId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- tsc needs it: Preact 11 narrows attributes per input type
        type={(props.type ?? "text") as "text"}
        value={props.value}
        required={props.required}
        autocomplete={props.autocomplete}
        aria-invalid={props.error ? true : undefined}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      {props.error && <span class="field-error">{props.error}</span>}
    </div>
  );
}

export function Select(props: {
  label: string;
  value: string;
  options: readonly { value: string; label: string }[];
  onChange: (value: string) => void;
  name?: string;
  children?: ComponentChildren;
}) {
  const id = props.name ?? newId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {props.children}
    </div>
  );
}
