import { it } from 'vitest';
import { client, startTestServer } from '../harness.js';
import { buildWorld } from './world.js';
it('world', async () => {
  const server = await startTestServer('sqlite');
  const api = client(server, server.merchant.keys.sk_test);
  const t = Date.now();
  const w = await buildWorld(api, { webhookUrl: 'http://127.0.0.1:9/hook' });
  console.log(Date.now() - t, w);
  await server.close();
});
