// `npm run config:types`: rewrites config/config-types.ts from config/config.schema.json after a
// schema change (see config/generate-config-types.ts). With `--check` it only says whether the
// checked-in file is up to date, and exits 1 when it is not.

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configTypesFile, generateConfigTypes } from '../config/generate-config-types.ts';

const generated = await generateConfigTypes();
const shown = fileURLToPath(configTypesFile);
if (process.argv.includes('--check')) {
  const current = readFileSync(configTypesFile, 'utf8');
  if (current !== generated) {
    process.stderr.write(`${shown} is not what config.schema.json makes: run npm run config:types\n`);
    process.exit(1);
  }
  process.stdout.write(`${shown} is up to date\n`);
} else {
  writeFileSync(configTypesFile, generated);
  process.stdout.write(`wrote ${shown}\n`);
}
