import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../src/api/v1/index.js';
import { startTestServer, type TestServer } from './harness.js';

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
  components?: { schemas?: Record<string, unknown> };
}

describe('OpenAPI document', () => {
  let server: TestServer;
  let doc: OpenApiDoc;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    const res = await fetch(`${server.url}/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApiDoc;
  });
  afterAll(() => server.close());

  it('is OpenAPI 3.1', () => {
    expect(doc.openapi).toBe('3.1.0');
  });

  it('describes every route of every endpoint', () => {
    const missing: string[] = [];
    for (const e of endpoints) {
      for (const path of e.paths) {
        const openapiPath = path.replace(/:([A-Za-z_]+)/g, '{$1}');
        if (!doc.paths[openapiPath]?.[e.method.toLowerCase()]) missing.push(`${e.method} ${openapiPath}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has a valid JSON Schema for every success response', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    // The components live in one root document; response schemas point into it.
    const relink = (v: unknown): object => JSON.parse(JSON.stringify(v).replaceAll('"#/components/schemas/', '"https://railyard.invalid/components#/$defs/')) as object;
    ajv.addSchema({ $id: 'https://railyard.invalid/components', $defs: relink(doc.components?.schemas ?? {}) });
    const problems: string[] = [];
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const schema = op.responses?.['200']?.content?.['application/json']?.schema;
        if (!schema) {
          problems.push(`${method.toUpperCase()} ${path}: no 200 response schema`);
          continue;
        }
        const resolved = relink(schema);
        try {
          ajv.compile({ ...resolved, $id: `https://railyard.invalid/responses/${checked}` });
          checked++;
        } catch (err) {
          problems.push(`${method.toUpperCase()} ${path}: ${(err as Error).message}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });
});
