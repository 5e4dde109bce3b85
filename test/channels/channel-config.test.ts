// The marketplace channels' settings, through the real loader: off by default, refused when turned
// on without what they need, secrets only from the environment, and a merchant's file that turns
// one on wires its route (and only then).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../../config/load-config.ts';
import { startTestKefu } from '../support/start-kefu.ts';

const folder = mkdtempSync(join(tmpdir(), 'kefu-channel-config-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function file(yaml: string): string {
  const path = join(folder, `kefu-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, yaml);
  return path;
}

function problems(options: Parameters<typeof loadConfig>[0]): string[] {
  try {
    loadConfig(options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

const lazadaYaml = (secret: string): string =>
  ['channels:', '  lazada:', '    enabled: true', '    appKey: "123456"', `    appSecret: ${secret}`, '    accessToken: ${env:LAZADA_ACCESS_TOKEN}', ''].join('\n');

describe('marketplace channel settings', () => {
  it('are all off by default', () => {
    const { channels } = loadConfig({ env: {} }).config;
    expect([channels.lazada.enabled, channels.tiktok.enabled, channels.shopee.enabled]).toEqual([false, false, false]);
    expect(channels.shopee.sendThroughSellerchat).toBe(false);
  });

  it('name what is missing when a channel is turned on without its keys', () => {
    expect(problems({ env: { KEFU__CHANNELS__TIKTOK__ENABLED: 'true' } }).join('\n')).toMatch(/channels\.tiktok.*appKey/);
    expect(problems({ env: { KEFU__CHANNELS__SHOPEE__ENABLED: 'true' } }).join('\n')).toMatch(/channels\.shopee.*partnerId/);
  });

  it('take secrets from the environment only, and never show them', () => {
    const loaded = loadConfig({ env: { LAZADA_APP_SECRET: 'lz-secret', LAZADA_ACCESS_TOKEN: 'lz-token' }, file: file(lazadaYaml('${env:LAZADA_APP_SECRET}')) });
    expect(loaded.config.channels.lazada).toMatchObject({ enabled: true, appKey: '123456', appSecret: 'lz-secret', accessToken: 'lz-token' });
    expect(loaded.secretPaths).toEqual(['channels.lazada.accessToken', 'channels.lazada.appSecret']);
    expect(JSON.stringify(describeConfig(loaded))).not.toMatch(/lz-secret|lz-token/);
    const pasted = problems({ env: { LAZADA_ACCESS_TOKEN: 'lz-token' }, file: file(lazadaYaml('pasted-secret')) });
    expect(pasted.join('\n')).toMatch(/channels\.lazada\.appSecret is a secret and must not be written in a file/);
    expect(pasted.join('\n')).not.toContain('pasted-secret');
  });

  it('refuse a base URL that is not http(s) and a webhook path that is not a path', () => {
    expect(problems({ env: { KEFU__CHANNELS__LAZADA__APIBASEURL: 'ftp://api.lazada.sg' } }).join('\n')).toMatch(/channels\.lazada\.apiBaseUrl/);
    expect(problems({ env: { KEFU__CHANNELS__TIKTOK__WEBHOOKPATH: 'no-slash' } }).join('\n')).toMatch(/channels\.tiktok\.webhookPath/);
  });

  it('mount no marketplace route while off', async () => {
    const server = await startTestKefu();
    try {
      for (const path of ['/channels/lazada/push', '/channels/tiktok/webhook', '/channels/shopee/push']) {
        expect((await fetch(server.url + path, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(404);
      }
      expect([...server.kefu.outbound.keys()]).toEqual(['webchat']);
    } finally {
      await server.close();
    }
  });
});
