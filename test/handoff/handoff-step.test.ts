// The flow language's hand-off step with a reason: `- handoff: { reason: complaint, detail: … }`,
// checked by the validator like every other step.

import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtInActions } from '../../dialogs/actions/index.ts';
import { loadFlows } from '../../dialogs/flows/load-flows.ts';
import { formatProblem } from '../../dialogs/flows/problems.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const made: string[] = [];

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

async function problemsOf(step: string): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-handoff-flows-'));
  made.push(dir);
  cpSync(path.join(ROOT, 'flows/system.yaml'), path.join(dir, 'system.yaml'));
  writeFileSync(path.join(dir, 'parcel.yaml'), [
    'intents:',
    '  lost_parcel:',
    '    label: { zh-Hans: 丢件, zh-Hant: 丟件, en: Lost parcel }',
    '    examples: { zh: [快递丢了], en: [my parcel is lost] }',
    'flows:',
    '  lost_parcel:',
    '    trigger: lost_parcel',
    '    steps:',
    `      - ${step}`,
    '',
  ].join('\n'));
  const result = await loadFlows(dir, { actions: builtInActions, displayPath: (f) => path.relative(dir, f) });
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe('the handoff step', () => {
  it('takes a reason and a detail', async () => {
    expect(await problemsOf('handoff: { reason: logistics_exception, detail: parcel lost in transit }')).toEqual([]);
    expect(await problemsOf('handoff: { reason: complaint }')).toEqual([]);
    expect(await problemsOf('handoff: parcel lost')).toEqual([]);
  });

  it('refuses an unknown reason or field, pointing at the step', async () => {
    expect(await problemsOf('handoff: { reason: angry }')).toEqual([
      'parcel.yaml:9:28 flows.lost_parcel.steps.0.handoff.reason: must be one of: asked_for_human, not_understood, flow, complaint, negative_sentiment, logistics_exception, slot_retries_exhausted',
    ]);
    expect(await problemsOf('handoff: { reason: complaint, queue: vip }')).toEqual(['parcel.yaml:9:39 flows.lost_parcel.steps.0.handoff.queue: unknown key "queue"']);
    expect(await problemsOf('handoff: { detail: no reason }')).toEqual(['parcel.yaml:9:18 flows.lost_parcel.steps.0.handoff: missing "reason"']);
  });
});
