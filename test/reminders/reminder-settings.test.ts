// The reminders: section of the configuration, as a shop owner writes it: the webhook secret only
// from the environment, times as HH:MM, sensible ranges — each mistake named with where it is.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/load-config.ts';

const folder = mkdtempSync(join(tmpdir(), 'kefu-reminder-settings-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let files = 0;
function shopFile(yaml: string): string {
  const file = join(folder, `kefu-${(files += 1)}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

function problems(file: string, env: Record<string, string> = {}): string[] {
  try {
    loadConfig({ env, file });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('reminders settings', () => {
  it('takes the webhook secret from the environment and treats it as a secret', () => {
    const file = shopFile('reminders:\n  webhookSecret: ${env:ORDER_EVENTS_SECRET}\n  quietHours: null\n  delayMinutes: 0.5\n');
    const loaded = loadConfig({ env: { ORDER_EVENTS_SECRET: 'a-long-random-shop-secret' }, file });
    expect(loaded.config.reminders).toMatchObject({ webhookSecret: 'a-long-random-shop-secret', quietHours: null, delayMinutes: 0.5 });
    expect(loaded.secretPaths).toContain('reminders.webhookSecret');
  });

  it('refuses a webhook secret written in the file', () => {
    const file = shopFile('reminders:\n  webhookSecret: plain-text-secret-in-a-file\n');
    expect(problems(file).join('\n')).toMatch(/reminders\.webhookSecret is a secret and must not be written in a file/);
  });

  it('names the missing variable, and refuses a secret that is too short', () => {
    const file = shopFile('reminders:\n  webhookSecret: ${env:ORDER_EVENTS_SECRET}\n');
    expect(problems(file).join('\n')).toMatch(/ORDER_EVENTS_SECRET, which is not set/);
    const short = problems(file, { ORDER_EVENTS_SECRET: 'short' }).join('\n');
    expect(short).toMatch(/reminders\.webhookSecret must be at least 16 characters/);
    expect(short).not.toContain('short"');
  });

  it('refuses quiet hours that are not HH:MM, and counts out of range', () => {
    const file = shopFile('reminders:\n  maxPerOrder: 0\n  delayMinutes: -5\n  quietHours:\n    start: "25:00"\n    end: 8\n  language: fr\n');
    const found = problems(file).join('\n');
    expect(found).toMatch(/reminders\.maxPerOrder must be at least 1/);
    expect(found).toMatch(/reminders\.delayMinutes must be at least 0/);
    expect(found).toMatch(/reminders\.quietHours\.start/);
    expect(found).toMatch(/reminders\.quietHours\.end must be text/);
    expect(found).toMatch(/reminders\.language must be one of: zh-Hans, zh-Hant, en/);
    expect(found).toMatch(/kefu-\d+\.yaml:\d+:\d+/);
  });
});
