// `npm run soak [-- --redis cluster|single --workers 3 --conversations 40 --turns 5 --no-chaos]`:
// the soak run of soak/soak.ts (on a Redis Cluster by default; `--redis single` is one Redis that
// keeps its data across its restart, soak/soak-redis.ts), ending with one line `soak: lost 0 duplicated 0 out_of_order 0 messages N`; the
// exit code is 1 when anything was lost, duplicated or out of order.

import { parseArgs } from 'node:util';
import { runSoak } from './soak.ts';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '3' },
    conversations: { type: 'string', default: '40' },
    turns: { type: 'string', default: '5' },
    'no-chaos': { type: 'boolean', default: false },
    redis: { type: 'string', default: 'cluster' },
  },
});

const positive = (name: string, text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 10_000) throw new Error(`--${name} must be a whole number from 1 to 10000`);
  return value;
};

if (values.redis !== 'cluster' && values.redis !== 'single') throw new Error('--redis must be cluster or single');

const result = await runSoak({
  redis: values.redis,
  workers: positive('workers', values.workers),
  conversations: positive('conversations', values.conversations),
  turns: positive('turns', values.turns),
  chaos: !values['no-chaos'],
  log: (line) => console.log(line),
});
for (const problem of result.problems.slice(0, 50)) console.log(`  ${problem}`);
console.log(`soak: lost ${result.lost} duplicated ${result.duplicated} out_of_order ${result.outOfOrder} messages ${result.messages}` + (result.unsure > 0 ? ` (unsure ${result.unsure}: Lazada sends cut off by the crash, not repeated)` : ''));
process.exit(result.lost + result.duplicated + result.outOfOrder === 0 ? 0 : 1);
