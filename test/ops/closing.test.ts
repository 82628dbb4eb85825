import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ENGINES, startTestServer } from '../harness.js';

const auth = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

/**
 * While the application closes, the request in flight finishes, and a request that still arrives on its keep-alive
 * connection is refused with 503 `service_unavailable` in the error envelope (not Fastify's own body), with
 * `Connection: close` and `Retry-After`, having written nothing.
 */
describe.each(ENGINES)('requests arriving while the server closes (%s)', (engine) => {
  it('finishes the request in flight and answers the next one on the same connection 503 in the envelope', async () => {
    const server = await startTestServer(engine);
    try {
      const { port } = new URL(server.url);
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise<void>((r) => socket.on('connect', () => r()));
      let text = '';
      const closed = new Promise<void>((r) => {
        socket.on('data', (d: Buffer) => (text += d.toString('utf8')));
        socket.on('close', () => r());
      });
      const key = server.merchant.keys.sk_test;
      const body = JSON.stringify({ name: 'in flight' });
      socket.write(
        `POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth(key)}\r\nContent-Type: application/json\r\nIdempotency-Key: closing-1\r\n` +
          `Content-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
      );
      await new Promise((r) => setTimeout(r, 100));
      const closing = server.app.app.close();
      await new Promise((r) => setTimeout(r, 50));
      // The rest of the body, and right behind it a second request on the same connection.
      socket.write(
        `${body.slice(5)}POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth(key)}\r\nContent-Type: application/json\r\n` +
          `Idempotency-Key: closing-2\r\nContent-Length: 2\r\n\r\n{}`,
      );
      await closed;
      await closing;

      const responses = text.split(/(?=HTTP\/1\.1 )/);
      expect(responses).toHaveLength(2);
      expect(responses[0]).toMatch(/^HTTP\/1\.1 200 /);
      expect(responses[0]).toContain('"name":"in flight"');
      const [head, second] = responses[1]!.split('\r\n\r\n') as [string, string];
      expect(head).toMatch(/^HTTP\/1\.1 503 /);
      expect(head.toLowerCase()).toContain('connection: close');
      expect(head.toLowerCase()).toContain('retry-after: 1');
      expect(JSON.parse(second)).toEqual({
        error: {
          type: 'api_error',
          code: 'service_unavailable',
          message: 'The server is shutting down. Retry the request.',
          param: null,
          doc_url: 'https://docs.leanrails.com/errors/service_unavailable',
        },
      });
      const customers = await server.store.db.selectFrom('customers').select('id').execute();
      expect(customers).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
