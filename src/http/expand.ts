import { AppError } from '../lib/errors.js';

/** Loads the object an id field points to, or undefined when it is not visible to the caller. */
export type Expander = (id: string) => Promise<unknown>;

/**
 * Replaces id fields with the objects they name, for the fields the endpoint documents. On lists the fields are
 * spelled `data.<field>`. Unknown fields are a 400 naming `expand`.
 */
export async function applyExpand(
  objects: Record<string, unknown>[],
  requested: string[] | undefined,
  expanders: Record<string, Expander>,
  options: { list?: boolean } = {},
): Promise<void> {
  if (!requested || requested.length === 0) return;
  for (const raw of new Set(requested)) {
    const field = options.list ? (raw.startsWith('data.') ? raw.slice(5) : undefined) : raw;
    const expander = field === undefined ? undefined : expanders[field];
    if (field === undefined || !expander) {
      const allowed = Object.keys(expanders).map((f) => (options.list ? `data.${f}` : f));
      throw new AppError(
        'parameter_invalid',
        `This field cannot be expanded: ${raw}.${allowed.length ? ` Expandable: ${allowed.join(', ')}.` : ''}`,
        { param: 'expand' },
      );
    }
    for (const obj of objects) {
      const id = obj[field];
      if (typeof id === 'string') (obj as Record<string, unknown>)[field] = (await expander(id)) ?? id;
    }
  }
}
