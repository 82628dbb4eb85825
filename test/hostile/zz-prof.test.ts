import fc from 'fast-check';
import { it } from 'vitest';
import { requestArb } from './fuzz-model.js';
it('gen', () => {
  const ctx = { keys: { secret: 'sk_test_' + 'a'.repeat(32), publishable: 'pk_test_x', live: 'sk_live_x', livePublishable: 'pk_live_x', otherMerchant: 'sk_test_y', revoked: 'sk_test_z' }, ids: { cus: ['cus_a'], pi: ['pi_a'], price: ['price_a'], prod: ['prod_a'], evt: ['evt_a'], cs: ['cs_a'] }, foreignIds: ['cus_b'], clientSecrets: ['cs_a_secret_b'] };
  let t = Date.now();
  const arb = requestArb(ctx as never);
  console.log('build', Date.now() - t); t = Date.now();
  const s = fc.sample(arb, 2000);
  console.log('sample 2000', Date.now() - t, 'bytes', s.reduce((n, r) => n + (r.body?.length ?? 0) + r.path.length, 0));
});
