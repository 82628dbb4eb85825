/**
 * HTML templating for the checkout pages, escaped by default.
 *
 * `html\`<p>${value}</p>\`` escapes every interpolated value unless it is a `SafeHtml` — the result of another
 * `html\`…\`` template or of `raw()`. Arrays are joined (each element escaped by the same rule); `null`,
 * `undefined` and `false` render nothing, so `${cond && html\`…\`}` works. `raw()` is for markup this code writes
 * itself (never for anything that came from a request or the database); it is deliberately the only way around
 * escaping, so a reviewer can find every use with one search.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for an element body or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

export type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return (value as readonly Interpolation[]).map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Marks trusted markup (written by this code) as safe. Never pass request or stored data. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * A boolean attribute: `<input ${attr('required', need)}>` → `required` or nothing. The name must be a literal of
 * this code.
 */
export function attr(name: string, on: boolean | undefined): SafeHtml {
  return new SafeHtml(on ? name : '');
}
