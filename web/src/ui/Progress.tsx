/** A labelled progress bar; without a value it shows an indeterminate "working" state. */
export function Progress({ label, value, max = 100 }: { label: string; value?: number; max?: number }) {
  return (
    <div class="progress">
      <label>
        {label}
        <progress max={max} value={value} aria-label={label} />
      </label>
    </div>
  );
}
