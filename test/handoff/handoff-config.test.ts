// The hand-off and Slack settings as a shop writes them: secrets only from the environment,
// Socket Mode only with its token, hours and queues checked, each problem pointing at its line.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/load-config.ts';
import { handoffSettings } from '../../compose/handoff.ts';

const folder = mkdtempSync(join(tmpdir(), 'kefu-handoff-config-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let count = 0;

const SLACK = ['agentDesk:', '  kind: slack', '  slack:', '    botToken: ${env:SLACK_BOT_TOKEN}', '    signingSecret: ${env:SLACK_SIGNING_SECRET}', '    channel: C0MAIN'];
const ENV = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_APP_TOKEN: 'xapp-1' };

function load(lines: string[]) {
  const file = join(folder, `kefu-${++count}.yaml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, run: () => loadConfig({ env: ENV, file }) };
}

function problems(lines: string[]): string[] {
  const { run } = load(lines);
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('hand-off settings', () => {
  it('loads a Slack desk with queue channels, Socket Mode and business hours', () => {
    const { config } = load([...SLACK, '    channels: { complaints: C0COMPLAINTS }', '    socketMode: true', '    appToken: ${env:SLACK_APP_TOKEN}',
      'handoff:', '  businessHours: { days: [mon, tue], opens: "09:00", closes: "18:00" }', '  resumeFlows: [size_advice]']).run();
    expect(config.agentDesk.slack).toMatchObject({ channels: { complaints: 'C0COMPLAINTS' }, socketMode: true, appToken: 'xapp-1' });
    const settings = handoffSettings(config);
    expect(settings).toMatchObject({ timezone: 'Asia/Shanghai', businessHours: { days: ['mon', 'tue'] }, resumeFlows: ['size_advice'], routing: { default: 'presale' } });
    expect(settings).not.toHaveProperty('maskPersonalData');
  });

  it('refuses Socket Mode without an app token, and a token written in the file', () => {
    expect(problems([...SLACK, '    socketMode: true']).join('\n')).toMatch(/appToken/);
    expect(problems([...SLACK, '    socketMode: true', '    appToken: xapp-in-the-file']).join('\n')).toMatch(/appToken is a secret and must not be written in a file/);
  });

  it('refuses impossible hours, unknown reasons and odd queue names', () => {
    expect(problems(['handoff:', '  businessHours: { days: [mon], opens: "9am", closes: "18:00" }']).join('\n')).toMatch(/:2:\d+ .*opens/);
    expect(problems(['handoff:', '  businessHours: { days: [someday], opens: "09:00", closes: "18:00" }']).join('\n')).toMatch(/days/);
    expect(problems(['handoff:', '  queues:', '    byReason: { angry: complaints }']).join('\n')).toMatch(/:3:\d+ .*angry/);
    expect(problems(['handoff:', '  queues:', '    default: "Pre Sale!"']).join('\n')).toMatch(/:3:\d+ .*default/);
    expect(problems(['handoff:', '  noteMarker: ""']).join('\n')).toMatch(/noteMarker/);
  });

  it('refuses hours that close before they open', () => {
    const { config } = load(['handoff:', '  businessHours: { days: [mon], opens: "18:00", closes: "09:00" }']).run();
    expect(() => handoffSettings(config)).toThrow(/opens \(18:00\) must be before closes \(09:00\)/);
  });
});
