// A loopback Lazada Open Platform for tests: POST /im/message/send exactly as Lazada documents it
// (system parameters in the query, API parameters as a form body), refusing a call whose `sign` is
// not the uppercase hex HMAC-SHA256 of the API path and the sorted parameters, or whose app key or
// access token is wrong. The check is written out here on its own, not borrowed from the adapter.

import { createHmac } from 'node:crypto';
import { startFakeServer, type FakeServer, type RecordedRequest } from './fake-marketplace.ts';

export interface FakeLazada extends FakeServer {
  /** The IM messages accepted, in order: the API parameters of each call. */
  sent(): Record<string, string>[];
}

export const LAZADA_TEST_APP = { appKey: '123456', appSecret: 'lazada-test-secret', accessToken: 'lazada-test-token' };

function paramsOf(request: RecordedRequest): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of request.query) params[name] = value;
  for (const [name, value] of new URLSearchParams(request.body)) params[name] = value;
  return params;
}

function expectedSign(path: string, params: Record<string, string>): string {
  let text = path;
  for (const name of Object.keys(params).filter((n) => n !== 'sign').sort()) text += name + params[name];
  return createHmac('sha256', LAZADA_TEST_APP.appSecret).update(text, 'utf8').digest('hex').toUpperCase();
}

export async function startFakeLazada(): Promise<FakeLazada> {
  const accepted: Record<string, string>[] = [];
  const server = await startFakeServer((request) => {
    if (request.method !== 'POST' || request.path !== '/im/message/send') return { status: 404, body: { code: 'InvalidApiPath' } };
    const params = paramsOf(request);
    if (params.sign !== expectedSign(request.path, params)) return { status: 200, body: { type: 'ISV', code: 'IncompleteSignature', message: 'The request signature does not conform to platform standards' } };
    if (params.app_key !== LAZADA_TEST_APP.appKey || params.access_token !== LAZADA_TEST_APP.accessToken) return { status: 200, body: { type: 'ISV', code: 'IllegalAccessToken' } };
    if (!params.session_id || !params.template_id) return { status: 200, body: { type: 'ISV', code: 'MissingParameter' } };
    const { app_key, timestamp, sign_method, access_token, sign, ...api } = params;
    void app_key, timestamp, sign_method, access_token, sign;
    accepted.push(api);
    return { status: 200, body: { code: '0', request_id: `req-${accepted.length}`, data: { message_id: `m-${accepted.length}` }, success: true } };
  });
  return Object.assign(server, { sent: () => accepted });
}
