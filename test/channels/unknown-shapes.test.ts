// Issue 17: a signed push in a shape Kefu cannot read is logged ONCE per shape, with the fields seen
// (never their values, which hold buyers' words), so a renamed field is noticed without a flood of
// log lines. Through Lazada's real push route, with a logger that keeps what it is told.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lazadaPushSignature } from '../../adapters/channels/lazada/lazada-signature.ts';
import { registerLazadaRoutes } from '../../adapters/channels/lazada/lazada-routes.ts';
import { UnknownShapes } from '../../adapters/channels/shared/unknown-shapes.ts';
import type { Logger } from '../../dialogs/ports.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import { LAZADA_TEST_APP } from '../support/fake-lazada.ts';
import { startPushRouteHarness, type PushRouteHarness } from './push-route-harness.ts';

const warnings: { fields: object; message: string }[] = [];
const recording: Logger = { ...silentLogger, warn: (fields, message) => warnings.push({ fields: fields as object, message: message ?? '' }) };

describe('an unknown push shape is logged once, with field names only', () => {
  let harness: PushRouteHarness;
  const post = (push: unknown) => {
    const raw = JSON.stringify(push);
    return harness.post('/push', raw, { 'content-type': 'application/json', authorization: lazadaPushSignature(LAZADA_TEST_APP.appKey, LAZADA_TEST_APP.appSecret, Buffer.from(raw)) });
  };
  beforeAll(async () => {
    harness = await startPushRouteHarness(async (http, { state, clock }) => {
      await registerLazadaRoutes(http, { channel: 'lazada', path: '/push', appKey: LAZADA_TEST_APP.appKey, appSecret: LAZADA_TEST_APP.appSecret, state, clock, logger: silentLogger, unknownShapes: new UnknownShapes('lazada', recording), maxAgeSeconds: 86_400 });
    });
  });
  afterAll(() => harness?.close());

  it('acknowledges every such push, logs the first of a shape, and never the values', async () => {
    // A push whose buyer field was renamed (a shape Kefu does not read), three times with other words.
    for (const words of ['我的手机号13912345678', 'second', 'third']) {
      const push = { message_type: 2, seller_id: 1, data: { session_id: 's', message_id: `m-${words}`, sender_account: 'b', from_account_type: 1, type: 1, template_id: 1, content: JSON.stringify({ txt: words }), send_time: Date.now() } };
      expect(await post(push)).toMatchObject({ status: 200, body: '', outcome: 'unreadable' });
    }
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0])).not.toContain('13912345678');
    expect(JSON.stringify(warnings[0]!.fields)).toContain('sender_account');
    // Another shape is news again.
    expect(await post({ something: 'else' })).toMatchObject({ status: 200, outcome: 'unreadable' });
    expect(warnings).toHaveLength(2);
  });
});
