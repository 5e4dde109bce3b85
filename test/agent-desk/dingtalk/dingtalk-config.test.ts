// agentDesk.dingtalk as an operator writes it: the secret only from the environment, the mode and
// addresses checked, and a DingTalk desk that cannot reach DingTalk does not stop Kefu serving buyers.

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../config/load-config.ts';
import { startTestKefu, postMessage } from '../../support/start-kefu.ts';

const BASE = {
  KEFU__AGENTDESK__KIND: 'dingtalk',
  KEFU__AGENTDESK__DINGTALK__APPKEY: 'dingappkey',
  KEFU__AGENTDESK__DINGTALK__APPSECRET: 'secret',
  KEFU__AGENTDESK__DINGTALK__ROBOTCODE: 'dingrobot',
  KEFU__AGENTDESK__DINGTALK__OPENCONVERSATIONID: 'cid==',
};

function problems(env: Record<string, string>): string {
  try {
    loadConfig({ env });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return '';
}

describe('agentDesk.dingtalk settings', () => {
  it('accepts the documented settings', () => {
    const { config, secretPaths } = loadConfig({ env: { ...BASE, KEFU__AGENTDESK__DINGTALK__MODE: 'callback', KEFU__AGENTDESK__DINGTALK__PUBLICURL: 'https://kefu.example.com' } });
    expect(config.agentDesk.dingtalk).toMatchObject({ mode: 'callback', publicUrl: 'https://kefu.example.com' });
    expect(secretPaths).toContain('agentDesk.dingtalk.appSecret');
  });

  it('refuses an unknown mode, a public address that is not http(s), and missing keys', () => {
    expect(problems({ ...BASE, KEFU__AGENTDESK__DINGTALK__MODE: 'webhook' })).toMatch(/mode/);
    expect(problems({ ...BASE, KEFU__AGENTDESK__DINGTALK__PUBLICURL: 'javascript:alert(1)' })).toMatch(/publicUrl/);
    const { KEFU__AGENTDESK__DINGTALK__ROBOTCODE: _, ...withoutRobot } = BASE;
    expect(problems(withoutRobot)).toMatch(/robotCode/);
  });

  it('starts and serves buyers while DingTalk cannot be reached (Stream retries in the background)', async () => {
    const kefu = await startTestKefu({ env: { ...BASE, KEFU__AGENTDESK__DINGTALK__APIBASEURL: 'http://127.0.0.1:9' } });
    try {
      const answer = await postMessage(kefu.url, { conversationId: `cfg-${Date.now()}`, text: 'hello' });
      expect(answer.status).toBe(200);
      expect(answer.body.replies.length).toBeGreaterThan(0);
    } finally {
      await kefu.close();
    }
  });
});
