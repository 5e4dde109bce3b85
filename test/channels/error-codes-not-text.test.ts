// Whether a failed send is tried again is decided by the platform's error CODE (and the HTTP
// status), never by the message text: texts change with the language and the platform's wording,
// codes are documented. Each client is called against its loopback fake answering a code whose
// message says the opposite (a retryable code with "do not retry" text, a final code with "try again
// later" text, the same code in Chinese): the verdict follows the code every time.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LazadaApiClient } from '../../adapters/channels/lazada/lazada-api-client.ts';
import { ShopeeApiClient } from '../../adapters/channels/shopee/shopee-api-client.ts';
import { TiktokApiClient } from '../../adapters/channels/tiktok/tiktok-api-client.ts';
import { fixedAccessToken } from '../../adapters/channels/shared/access-tokens.ts';
import { ApiError, type ApiFailure } from '../../adapters/channels/shared/api-retry.ts';
import { systemClock } from '../../dialogs/ports.ts';
import type { FakeServer, ScriptedAnswer } from '../support/fake-marketplace.ts';
import { LAZADA_TEST_APP, startFakeLazada } from '../support/fake-lazada.ts';
import { SHOPEE_TEST_APP, startFakeShopee } from '../support/fake-shopee.ts';
import { TIKTOK_TEST_APP, startFakeTiktok } from '../support/fake-tiktok.ts';

interface Case {
  what: string;
  answer: ScriptedAnswer;
  failure: ApiFailure;
}

interface Platform {
  name: string;
  start(): Promise<FakeServer>;
  send(fakeUrl: string): Promise<unknown>;
  cases: Case[];
}

const platforms: Platform[] = [
  {
    name: 'Lazada',
    start: () => startFakeLazada(),
    send: (url) =>
      new LazadaApiClient({ baseUrl: url, appKey: LAZADA_TEST_APP.appKey, appSecret: LAZADA_TEST_APP.appSecret, tokens: fixedAccessToken(LAZADA_TEST_APP.accessToken), clock: systemClock }).call('/im/message/send', {
        session_id: 's1',
        template_id: '1',
        txt: 'hi',
      }),
    cases: [
      { what: 'a rate-limit code whose text says the request is invalid', answer: { status: 200, body: { type: 'ISP', code: 'ApiCallLimit', message: 'Invalid request, do not retry', request_id: 'r1' } }, failure: 'retry' },
      { what: 'a final code whose text says to try again later', answer: { status: 200, body: { type: 'ISV', code: 'InvalidParameter', message: 'System busy, please try again later', request_id: 'r2' } }, failure: 'refused' },
      { what: 'a refused signature (a SYSTEM error) whose text says "timeout"', answer: { status: 200, body: { type: 'SYSTEM', code: 'IncompleteSignature', message: 'ServiceTimeout: retry', request_id: 'r3' } }, failure: 'refused' },
      { what: 'the same rate-limit code in Chinese', answer: { status: 200, body: { type: 'ISP', code: 'ApiCallLimit', message: '调用频率超限', request_id: 'r4' } }, failure: 'retry' },
      { what: 'HTTP 502 with a final code in the body', answer: { status: 502, body: { type: 'ISV', code: 'InvalidParameter', message: 'bad gateway' } }, failure: 'retry' },
      { what: 'a refused token whose text says nothing about tokens', answer: { status: 200, body: { type: 'ISV', code: 'IllegalAccessToken', message: '参数错误', request_id: 'r5' } }, failure: 'refused' },
    ],
  },
  {
    name: 'TikTok Shop',
    start: () => startFakeTiktok(),
    send: (url) =>
      new TiktokApiClient({ baseUrl: url, appKey: TIKTOK_TEST_APP.appKey, appSecret: TIKTOK_TEST_APP.appSecret, tokens: fixedAccessToken(TIKTOK_TEST_APP.accessToken), shopCipher: TIKTOK_TEST_APP.shopCipher, clock: systemClock }).post(
        '/customer_service/202309/conversations/c1/messages',
        { type: 'TEXT', content: JSON.stringify({ content: 'hi' }) },
      ),
    cases: [
      { what: 'a rate-limit code whose text says the request is invalid', answer: { status: 200, body: { code: 36009004, message: 'Invalid parameter, do not retry', request_id: 'r1' } }, failure: 'retry' },
      { what: 'an unknown code whose text says to try again later', answer: { status: 200, body: { code: 12052700, message: 'Service busy, please try again later', request_id: 'r2' } }, failure: 'refused' },
      { what: 'the same rate-limit code in Chinese', answer: { status: 200, body: { code: 36009004, message: '请求过于频繁', request_id: 'r3' } }, failure: 'retry' },
      { what: 'HTTP 503 whatever the body says', answer: { status: 503, body: { code: 12052700, message: 'permanent failure' } }, failure: 'retry' },
    ],
  },
  {
    name: 'Shopee',
    start: () => startFakeShopee(),
    send: (url) =>
      new ShopeeApiClient({ baseUrl: url, partnerId: SHOPEE_TEST_APP.partnerId, partnerKey: SHOPEE_TEST_APP.partnerKey, shopId: SHOPEE_TEST_APP.shopId, tokens: fixedAccessToken(SHOPEE_TEST_APP.accessToken), clock: systemClock }).shopCall(
        'POST',
        '/api/v2/sellerchat/send_message',
        { to_id: 1, message_type: 'text', content: { text: 'hi' } },
      ),
    cases: [
      { what: 'a busy code whose text says the parameters are wrong', answer: { status: 200, body: { error: 'error_system_busy', message: 'Wrong parameters, do not retry', request_id: 'r1' } }, failure: 'retry' },
      { what: 'a final code whose text says to try again later', answer: { status: 200, body: { error: 'error_param', message: 'Something wrong. Please try later.', request_id: 'r2' } }, failure: 'refused' },
      { what: 'the same busy code in Chinese', answer: { status: 200, body: { error: 'error_server', message: '系统繁忙', request_id: 'r3' } }, failure: 'retry' },
      { what: 'HTTP 429 whatever the body says', answer: { status: 429, body: { error: 'error_param', message: 'Wrong parameters' }, headers: { 'retry-after': '1' } }, failure: 'retry' },
    ],
  },
];

describe.each(platforms)('$name: retryable by code, not by text', (platform) => {
  let fake: FakeServer;
  beforeAll(async () => {
    fake = await platform.start();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it.each(platform.cases)('$what → $failure', async ({ answer, failure }) => {
    // A refused token is renewed once (fixedAccessToken has nothing to renew with): the second
    // refusal is final, so the same answer is scripted twice.
    fake.script.push(answer, answer);
    const error = await platform.send(fake.url).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    fake.script.length = 0;
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).failure).toBe(failure);
  });
});
