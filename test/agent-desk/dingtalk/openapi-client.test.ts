// The robot OpenAPI client against the loopback DingTalk: token fetched once and cached until it
// expires, group messages in DingTalk's sample templates, session webhooks only while valid and only
// on DingTalk's host, throttling and server errors retried, other refusals reported.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DingtalkApiError, DingtalkOpenApi } from '../../../adapters/agent-desk/dingtalk/openapi-client.ts';
import { silentLogger } from '../../../dialogs/ports.ts';
import { FakeDingtalk } from '../../support/fake-dingtalk.ts';

const GROUP = 'cidGroupPresale==';

describe('DingTalk robot OpenAPI client', () => {
  let fake: FakeDingtalk;
  let clockNow = Date.now();
  const clock = { now: () => clockNow };
  const client = (overrides: Partial<ConstructorParameters<typeof DingtalkOpenApi>[0]> = {}): DingtalkOpenApi =>
    new DingtalkOpenApi({
      appKey: 'dingappkey', appSecret: 'app-secret', robotCode: 'dingrobot', apiBase: fake.url,
      sessionWebhookOrigins: [new URL(fake.url).origin], clock, logger: silentLogger, retryPauseMs: 1, ...overrides,
    });

  beforeAll(async () => {
    fake = await FakeDingtalk.start({ appKey: 'dingappkey', appSecret: 'app-secret', robotCode: 'dingrobot', groups: [GROUP] });
  });
  afterAll(() => fake.close());

  const tokenCalls = (): number => fake.calls.filter((c) => c.path === '/v1.0/oauth2/accessToken').length;

  it('fetches one token for a burst of messages and reuses it until shortly before it expires', async () => {
    const api = client();
    const before = tokenCalls();
    await Promise.all([1, 2, 3].map((n) => api.sendToGroup(GROUP, { kind: 'markdown', title: `t${n}`, text: `**${n}**` })));
    expect(tokenCalls() - before).toBe(1);
    const tokens = new Set(fake.calls.slice(-3).map((c) => c.headers['x-acs-dingtalk-access-token']));
    expect(tokens.size).toBe(1);
    clockNow += 7200 * 1000 - 4 * 60 * 1000; // inside the five-minute margin
    fake.now = clockNow;
    await api.sendToGroup(GROUP, { kind: 'markdown', title: 'later', text: 'later' });
    expect(tokenCalls() - before).toBe(2);
  });

  it('sends markdown and action cards in the sample templates', async () => {
    const api = client();
    await api.sendToGroup(GROUP, { kind: 'markdown', title: 'Hand-off #A7', text: '### Hand-off' });
    await api.sendToGroup(GROUP, {
      kind: 'actionCard', title: 'Hand-off #A7', text: 'card',
      buttons: [{ title: 'Claim', url: 'https://kefu/1' }, { title: 'Back to bot', url: 'https://kefu/2' }, { title: 'Close', url: 'https://kefu/3' }],
    });
    await api.sendToGroup(GROUP, { kind: 'actionCard', title: 'one', text: 'one', buttons: [{ title: 'Open', url: 'https://kefu/o' }] });
    const [markdown, card, single] = fake.groupMessages.slice(-3);
    expect(markdown).toMatchObject({ openConversationId: GROUP, msgKey: 'sampleMarkdown', param: { title: 'Hand-off #A7', text: '### Hand-off' } });
    expect(card?.msgKey).toBe('sampleActionCard3');
    expect(card?.param).toMatchObject({ actionTitle1: 'Claim', actionURL1: 'https://kefu/1', actionTitle3: 'Close', actionURL3: 'https://kefu/3' });
    expect(single).toMatchObject({ msgKey: 'sampleActionCard', param: { singleTitle: 'Open', singleURL: 'https://kefu/o' } });
  });

  it('retries a 429 and a 500 and then succeeds; gives up after its attempts with a retryable error', async () => {
    const api = client();
    await api.accessToken();
    const sent = fake.groupMessages.length;
    fake.failNext('/v1.0/robot/groupMessages/send', 429, { code: 'Forbidden.AccessDenied.QpsLimitForApi', message: 'qps' }, 1, { 'retry-after': '0' });
    fake.failNext('/v1.0/robot/groupMessages/send', 500, { code: 'SystemError', message: 'busy' });
    await api.sendToGroup(GROUP, { kind: 'markdown', title: 'x', text: 'x' });
    expect(fake.groupMessages.length).toBe(sent + 1);

    fake.failNext('/v1.0/robot/groupMessages/send', 500, { code: 'SystemError', message: 'busy' }, 3);
    const error = await api.sendToGroup(GROUP, { kind: 'markdown', title: 'x', text: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DingtalkApiError);
    expect((error as DingtalkApiError).retryable).toBe(true);
    expect(fake.groupMessages.length).toBe(sent + 1);
  });

  it('fetches a new token once when DingTalk refuses the cached one', async () => {
    const api = client();
    await api.sendToGroup(GROUP, { kind: 'markdown', title: 'x', text: 'x' });
    fake.revokeTokens();
    const before = tokenCalls();
    await api.sendToGroup(GROUP, { kind: 'markdown', title: 'after reset', text: 'x' });
    expect(tokenCalls() - before).toBe(1);
    expect(fake.groupMessages.at(-1)?.param.title).toBe('after reset');
  });

  it('reports wrong credentials and a group the robot is not in without retrying', async () => {
    const bad = client({ appSecret: 'wrong' });
    const calls = fake.calls.length;
    await expect(bad.sendToGroup(GROUP, { kind: 'markdown', title: 'x', text: 'x' })).rejects.toThrow(/400 invalidClientIdOrSecret/);
    expect(fake.calls.length - calls).toBe(1);
    await expect(client().sendToGroup('cidNotOurs', { kind: 'markdown', title: 'x', text: 'x' })).rejects.toThrow(/robot is not in the group/);
  });

  it('answers through a session webhook only while it is valid and only on the allowed host', async () => {
    const api = client();
    const webhook = fake.newSessionWebhook(clockNow + 60_000);
    expect(api.canUseSessionWebhook(webhook, clockNow + 60_000)).toBe(true);
    await api.sendBySessionWebhook(webhook, { kind: 'markdown', title: 'ok', text: 'claimed' });
    expect(fake.sessionMessages.at(-1)?.body).toEqual({ msgtype: 'markdown', markdown: { title: 'ok', text: 'claimed' } });

    expect(api.canUseSessionWebhook(webhook, clockNow + 1000)).toBe(false); // about to expire
    expect(api.canUseSessionWebhook(webhook, clockNow - 1)).toBe(false);
    expect(api.canUseSessionWebhook('https://evil.example/robot/sendBySession?session=1', clockNow + 60_000)).toBe(false);
    expect(api.canUseSessionWebhook('not a url', clockNow + 60_000)).toBe(false);

    const stale = fake.newSessionWebhook(clockNow - 1);
    await expect(api.sendBySessionWebhook(stale, { kind: 'markdown', title: 'x', text: 'x' })).rejects.toThrow(/session is invalid or expired/);
  });
});
