// Writes the TypeScript shape of the loaded configuration (config-types.ts) from the JSON Schema
// (config.schema.json), so the two cannot drift apart: the schema is the one source, and a test
// (test/config/config-types-generated.test.ts) fails when the checked-in file is not what this makes.
// `npm run config:types` rewrites the file after a schema change.
//
// The schema describes a merchant's file, where every section may be left out; the code reads the
// configuration after the defaults are laid under it, where every setting default.yaml gives is
// present. So, on a copy of the schema (the schema itself stays as editors and Ajv read it):
//   - a property default.yaml sets becomes required;
//   - the objects get the interface names the code imports (TYPE_NAMES below);
//   - a few settings take a type the core already defines (CORE_TYPES), instead of a copy of it.

import { readFileSync } from 'node:fs';
import { compile, type JSONSchema } from 'json-schema-to-typescript';
import { parse as parseYaml } from 'yaml';
import configSchema from './config.schema.json' with { type: 'json' };

export const configTypesFile: URL = new URL('./config-types.ts', import.meta.url);
const defaultsFile = new URL('./default.yaml', import.meta.url);

/** Interface (or type) names by dotted path of the setting; '' is the whole configuration. */
const TYPE_NAMES: Record<string, string> = {
  '': 'KefuConfig',
  server: 'ServerConfig',
  redis: 'RedisConfig',
  'redis.sentinel': 'RedisSentinelConfig',
  flows: 'FlowsConfig',
  sessions: 'SessionsConfig',
  conversations: 'ConversationsConfig',
  nlu: 'NluConfig',
  shop: 'ShopConfig',
  webchat: 'WebchatConfig',
  'webchat.identity': 'WebchatIdentityConfig',
  reminders: 'RemindersConfig',
  agentDesk: 'AgentDeskConfig',
  'agentDesk.kind': 'AgentDeskKind',
  'agentDesk.slack': 'SlackDeskConfig',
  'agentDesk.dingtalk': 'DingtalkDeskConfig',
  desk: 'DeskConfig',
  handoff: 'HandoffConfig',
  orders: 'OrdersConfig',
  afterSale: 'AfterSaleConfig',
  channels: 'ChannelsConfig',
  'channels.inbox': 'ChannelInboxConfig',
  'channels.lazada': 'LazadaChannelConfig',
  'channels.tiktok': 'TiktokChannelConfig',
  'channels.shopee': 'ShopeeChannelConfig',
  logging: 'LoggingConfig',
  'logging.level': 'LogLevel',
  insight: 'InsightConfig',
  admin: 'AdminConfig',
  commerce: 'CommerceConfig',
  'commerce.http': 'CommerceHttpConfig',
};

/** Settings whose shape the core defines (and checks further than the schema can). */
const CORE_TYPES: Record<string, string> = {
  'shop.name': 'LocalText',
  'handoff.businessHours': 'BusinessHours | null',
  'handoff.queues': 'HandoffRouting',
};

const HEADER = `// GENERATED from config.schema.json by config/generate-config-types.ts (npm run config:types).
// Do not edit: change the schema (ranges, allowed values, descriptions) and run the command.
// The shape of Kefu's configuration once loaded: every setting default.yaml gives is present.

import type { BusinessHours, HandoffRouting } from '../dialogs/handoff/handoff-settings.ts';
import type { LocalText } from '../dialogs/messages.ts';
`;

type SchemaNode = JSONSchema & { properties?: Record<string, SchemaNode>; items?: SchemaNode | SchemaNode[] };

/** The TypeScript source config-types.ts should hold. */
export async function generateConfigTypes(): Promise<string> {
  const schema = structuredClone(configSchema) as unknown as SchemaNode;
  const defaults = parseYaml(readFileSync(defaultsFile, 'utf8')) as unknown;
  shape(schema, '', defaults);
  const body = await compile(schema, 'KefuConfig', {
    bannerComment: '',
    additionalProperties: false,
    // Names come from TYPE_NAMES only: an object without one stays inline where it is used.
    declareExternallyReferenced: true,
    format: true,
    // Never spell a bounded array as a union of tuples: string[] reads better than [] | [string] | …
    maxItems: -1,
    style: { printWidth: 120, singleQuote: true },
  });
  return `${HEADER}\n${body.trimEnd()}\n`;
}

function shape(node: SchemaNode, path: string, defaults: unknown): void {
  // The schema's own title names the file for editors; only TYPE_NAMES name types.
  delete node.title;
  const name = TYPE_NAMES[path];
  if (name) node.title = name;
  const coreType = CORE_TYPES[path];
  if (coreType) {
    for (const key of Object.keys(node)) if (key !== 'description') delete (node as Record<string, unknown>)[key];
    node.tsType = coreType;
    return;
  }
  if (!node.properties) return;
  const present = isRecord(defaults) ? Object.keys(defaults).filter((key) => key in node.properties!) : [];
  node.required = [...new Set([...(Array.isArray(node.required) ? node.required : []), ...present])];
  for (const [key, child] of Object.entries(node.properties)) {
    shape(child, path ? `${path}.${key}` : key, isRecord(defaults) ? defaults[key] : undefined);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
