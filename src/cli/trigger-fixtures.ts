/**
 * What `railyard trigger <event-type>` does, as data: a list of API calls; a later step may use an earlier
 * step's result through `{{name.field}}` in its path or body. A new event type is one more entry here.
 */
export interface FixtureStep {
  /** The name later steps use to refer to this step's response. */
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: Record<string, unknown>;
}

const customer: FixtureStep = {
  name: 'customer',
  method: 'POST',
  path: '/v1/customers',
  body: { email: 'triggered.customer@example.com', name: 'Triggered Customer', description: '(created by railyard trigger)' },
};

export const TRIGGER_FIXTURES: Record<string, FixtureStep[]> = {
  'customer.created': [customer],
  'customer.updated': [customer, { name: 'updated', method: 'POST', path: '/v1/customers/{{customer.id}}', body: { metadata: { triggered: 'true' } } }],
  'customer.deleted': [customer, { name: 'deleted', method: 'DELETE', path: '/v1/customers/{{customer.id}}' }],
};

/** Replaces `{{step.field}}` (one level of nesting: `{{step.a.b}}` too) with values from earlier responses. */
export function fillTemplate<T>(value: T, results: Record<string, Record<string, unknown>>): T {
  if (typeof value === 'string') {
    return value.replace(/\{\{([a-z_]+)((?:\.[a-z_]+)+)\}\}/g, (_m, step: string, fields: string) => {
      let cur: unknown = results[step];
      for (const f of fields.slice(1).split('.')) cur = (cur as Record<string, unknown> | undefined)?.[f];
      if (typeof cur !== 'string' && typeof cur !== 'number') throw new Error(`Fixture refers to {{${step}${fields}}}, which is not available.`);
      return String(cur);
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => fillTemplate(v, results)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillTemplate(v, results)])) as T;
  }
  return value;
}
