// config/config-types.ts is generated from config/config.schema.json: this fails when someone
// changed one without the other (fix: npm run config:types, then read the diff).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configTypesFile, generateConfigTypes } from '../../config/generate-config-types.ts';

describe('the configuration types', () => {
  it('are exactly what the schema makes (run npm run config:types after a schema change)', async () => {
    expect(readFileSync(configTypesFile, 'utf8')).toBe(await generateConfigTypes());
  });

  it('make every setting default.yaml gives required, and keep the names the code imports', async () => {
    const types = await generateConfigTypes();
    // Not required in the schema (a merchant's file may leave it out), but always there once loaded.
    expect(types).toMatch(/clusterNodes: string\[\];/);
    expect(types).toMatch(/sentinel: RedisSentinelConfig;/);
    expect(types).toMatch(/masterName: string \| null;/);
    expect(types).toMatch(/\n {2}desk: DeskConfig;/);
    // Optional when default.yaml does not give it.
    expect(types).toMatch(/webhookSecret\?: string;/);
    for (const name of ['KefuConfig', 'SlackDeskConfig', 'LazadaChannelConfig', 'CommerceConfig', 'LogLevel']) {
      expect(types).toMatch(new RegExp(`export (interface|type) ${name}\\b`));
    }
  });
});
