import { ApiClient } from './api-client.js';
import { fillTemplate, TRIGGER_FIXTURES } from './trigger-fixtures.js';

/** Runs the fixture for `eventType` against a server in test mode; returns the responses by step name. */
export async function triggerEvent(
  eventType: string,
  options: { apiKey: string; apiBase: string; out?: (line: string) => void },
): Promise<Record<string, Record<string, unknown>>> {
  const out = options.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const steps = TRIGGER_FIXTURES[eventType];
  if (!steps) {
    throw new Error(`No trigger for '${eventType}'. Supported: ${Object.keys(TRIGGER_FIXTURES).sort().join(', ')}.`);
  }
  if (!options.apiKey.startsWith('sk_test_')) throw new Error('trigger works in test mode only: use a sk_test_ key.');
  const api = new ApiClient(options.apiBase, options.apiKey);
  const results: Record<string, Record<string, unknown>> = {};
  out(`Setting up fixture for: ${eventType}`);
  for (const step of steps) {
    const path = fillTemplate(step.path, results);
    out(`Running fixture step: ${step.name} (${step.method} ${path})`);
    results[step.name] = await api.call(step.method, path, step.body ? fillTemplate(step.body, results) : undefined);
  }
  out(`Trigger succeeded! ${eventType} was produced (see GET /v1/events or railyard listen).`);
  return results;
}

export const TRIGGER_TYPES = Object.keys(TRIGGER_FIXTURES);
