/**
 * Names a parameter inside a nested one, in bracket form: `nestParam('line_items[0][price_data]', 'recurring[interval]')`
 * → `line_items[0][price_data][recurring][interval]`. Without a prefix the name is returned as is.
 */
export function nestParam(prefix: string | undefined, name: string): string {
  if (!prefix) return name;
  const bracket = name.indexOf('[');
  const head = bracket === -1 ? name : name.slice(0, bracket);
  const rest = bracket === -1 ? '' : name.slice(bracket);
  return `${prefix}[${head}]${rest}`;
}
