// Loads Kefu's configuration: the defaults file, the merchant's file laid over it, environment
// overrides, secrets from the environment, then validation against config.schema.json.
// Every problem found is reported at once, in plain words, with where the bad value came from
// (`file:line:col` for files, the variable's name for the environment).

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isSupportedCountry } from 'libphonenumber-js';
import { isMap, isScalar, isSeq, parse as parseYaml, type Node as YamlNode } from 'yaml';
import { parseYamlSource, positionAt } from '../dialogs/flows/yaml-source.ts';
import type { KefuConfig } from './config-types.ts';
import configSchema from './config.schema.json' with { type: 'json' };

export type { KefuConfig } from './config-types.ts';

export interface LoadConfigOptions {
  /** Environment to read overrides and secrets from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** The merchant's file, laid over the defaults; defaults to env KEFU_CONFIG. */
  file?: string;
  /** The defaults file; defaults to config/default.yaml. */
  defaultsFile?: string;
  /**
   * One shop's file (shops.dir/<id>/kefu.yaml), laid over the merchant's file: the deployment's
   * settings are every shop's defaults, and the environment still wins over both.
   */
  shopFile?: string;
}

export interface LoadedConfig {
  config: KefuConfig;
  /** Dotted paths of values that are secrets (e.g. "agentDesk.slack.botToken"); never log them. */
  secretPaths: string[];
  /**
   * Where each setting's value came from, by dotted path: "config/default.yaml:21:9",
   * "env KEFU__SERVER__PORT", or "kefu.yaml:4:15 via env SLACK_BOT_TOKEN" for secrets.
   */
  sources: Record<string, string>;
}

/** Everything wrong with the configuration, one plain sentence per problem. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`Kefu's configuration has ${count}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** The folder holding package.json: relative paths in the configuration start from here. */
export const projectRoot: string = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

export const defaultConfigFile: string = fileURLToPath(new URL('./default.yaml', import.meta.url));

/** Config files are small; anything bigger is a mistake (or an attack), not a configuration. */
const MAX_FILE_BYTES = 1024 * 1024;
/** Cut long values when quoting them back in an error message. */
const MAX_QUOTED_VALUE = 80;
const ENV_PREFIX = 'KEFU__';
const SECRET_REFERENCE = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** Variables that platforms and habit already use, mapped onto settings. */
const SHORTCUT_VARIABLES: readonly { variable: string; path: string[] }[] = [
  { variable: 'HOST', path: ['server', 'host'] },
  { variable: 'PORT', path: ['server', 'port'] },
  { variable: 'REDIS_URL', path: ['redis', 'url'] },
  { variable: 'REDIS_CLUSTER_NODES', path: ['redis', 'clusterNodes'] },
  { variable: 'REDIS_SENTINEL_NODES', path: ['redis', 'sentinel', 'nodes'] },
  { variable: 'REDIS_SENTINEL_MASTER', path: ['redis', 'sentinel', 'masterName'] },
  { variable: 'LOG_LEVEL', path: ['logging', 'level'] },
  { variable: 'KEFU_FLOWS_DIR', path: ['flows', 'dir'] },
  { variable: 'KEFU_SHOPS_DIR', path: ['shops', 'dir'] },
  { variable: 'KEFU_CATALOG', path: ['commerce', 'catalogFile'] },
];

/**
 * Settings a merchant file replaces whole instead of merging into: a shop name given only in
 * English must not keep the demo shop's Chinese name.
 */
const REPLACED_WHOLE = new Set(['shop.name']);

type Segments = readonly string[];

interface Position {
  line: number;
  col: number;
}

type Origin =
  | { kind: 'file'; file: string; value: Position; key: Position | null; secretVariable?: string }
  /** `secret`: the variable sets a secret, so its value is never quoted back. */
  | { kind: 'env'; variable: string; raw: string; secret: boolean };

interface ParsedFile {
  value: Record<string, unknown>;
  /** Positions of every node by dotted path. */
  nodes: Map<string, { value: Position; key: Position | null }>;
  display: string;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  writeOnly?: boolean;
}

/**
 * Loads, merges, resolves and validates the configuration.
 * Throws ConfigError listing every problem found.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const origins = new Map<string, Origin>();
  const problems: string[] = [];

  const defaults = readConfigFile(resolve(options.defaultsFile ?? defaultConfigFile), problems);
  const merchantPath = options.file ?? nonEmpty(env.KEFU_CONFIG);
  const merchant = merchantPath === undefined ? null : readConfigFile(resolve(merchantPath), problems);
  const shop = options.shopFile === undefined ? null : readConfigFile(resolve(options.shopFile), problems);
  // A file that cannot be read or parsed leaves nothing sensible to check the rest against.
  if (problems.length > 0 || defaults === null) throw new ConfigError(problems);

  const config: Record<string, unknown> = {};
  mergeFile(config, defaults, [], origins);
  if (merchant !== null) mergeFile(config, merchant, [], origins);
  if (shop !== null) mergeFile(config, shop, [], origins);

  applyEnvironment(config, env, origins, problems);

  const secretPaths = new Set<string>();
  const unresolved = new Set<string>();
  resolveSecrets(config, [], env, origins, secretPaths, unresolved, problems);
  for (const path of writeOnlyPathsPresent(config)) {
    const origin = origins.get(path);
    if (origin?.kind === 'file' && origin.secretVariable === undefined) {
      problems.push(
        at(origin, `${path} is a secret and must not be written in a file: write \${env:NAME} and set NAME in the environment`, true),
      );
    }
    secretPaths.add(path);
  }

  const validate = compiledValidator();
  if (!validate(config)) {
    for (const error of validate.errors ?? []) {
      const problem = describeSchemaError(error, origins, secretPaths, unresolved);
      if (problem !== null && !problems.includes(problem)) problems.push(problem);
    }
  }
  checkRedisShape(config, origins, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const valid = config as unknown as KefuConfig;
  if (!isAbsolute(valid.flows.dir)) valid.flows.dir = resolve(projectRoot, valid.flows.dir);
  if (valid.shops.dir !== null && !isAbsolute(valid.shops.dir)) valid.shops.dir = resolve(projectRoot, valid.shops.dir);
  const catalogFile = valid.commerce.catalogFile;
  if (catalogFile && !isAbsolute(catalogFile)) valid.commerce.catalogFile = resolve(projectRoot, catalogFile);

  return { config: valid, secretPaths: [...secretPaths].sort(), sources: describeSources(origins, config) };
}

/** A copy of the configuration that is safe to log: every secret reads "[secret]", URL passwords too. */
export function describeConfig(loaded: LoadedConfig): KefuConfig {
  const copy = structuredClone(loaded.config);
  for (const path of loaded.secretPaths) {
    const segments = path.split('.');
    let node: unknown = copy;
    for (const segment of segments.slice(0, -1)) {
      node = own(node, segment);
    }
    const last = segments[segments.length - 1]!;
    if (isRecord(node) && own(node, last) !== undefined) node[last] = '[secret]';
  }
  hideUrlPasswords(copy);
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Files

function readConfigFile(path: string, problems: string[]): ParsedFile | null {
  const display = displayPath(path);
  let source: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES) {
      problems.push(`${display}: the file is ${size} bytes; a configuration file may be at most ${MAX_FILE_BYTES}`);
      return null;
    }
    source = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(`${display}: cannot read the file (${code === 'ENOENT' ? 'it does not exist' : (code ?? String(error))})`);
    return null;
  }

  // The same reader as flows and catalogs (dialogs/flows/yaml-source.ts): duplicate keys refused,
  // aliases bounded, the first syntax error reported where the merchant has to look.
  const parsed = parseYamlSource(display, source);
  if (!parsed.source) {
    for (const problem of parsed.problems) problems.push(`${problem.file}:${problem.line}:${problem.col} ${problem.message}`);
    return null;
  }
  const yaml = parsed.source;
  const positionOf = (offset: number): Position => positionAt(yaml, offset);
  const value = yaml.data ?? {};
  if (!isRecord(value)) {
    const { line, col } = positionOf(yaml.doc.contents?.range?.[0] ?? 0);
    problems.push(`${display}:${line}:${col} the file must be a list of settings (name: value), like config/default.yaml`);
    return null;
  }

  const nodes = new Map<string, { value: Position; key: Position | null }>();
  const walk = (node: unknown, segments: string[], keyPosition: Position | null): void => {
    const yamlNode = node as YamlNode | null;
    const start = yamlNode?.range?.[0];
    nodes.set(segments.join('.'), { value: start === undefined ? (keyPosition ?? { line: 1, col: 1 }) : positionOf(start), key: keyPosition });
    if (isMap(node)) {
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        const keyStart = keyNode?.range?.[0];
        walk(pair.value, [...segments, key], keyStart === undefined ? null : positionOf(keyStart));
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, [...segments, String(index)], null));
    }
  };
  walk(yaml.doc.contents, [], null);
  return { value, nodes, display };
}

/** Lays a parsed file over `target`: mappings merge, anything else (and REPLACED_WHOLE) replaces. */
function mergeFile(target: Record<string, unknown>, file: ParsedFile, segments: string[], origins: Map<string, Origin>): void {
  const source = segments.reduce<unknown>((node, key) => own(node, key), file.value);
  if (!isRecord(source)) return;
  for (const key of Object.keys(source)) {
    const path = [...segments, key];
    const dotted = path.join('.');
    const incoming = source[key];
    const existing = own(target, key);
    const position = file.nodes.get(dotted) ?? { value: { line: 1, col: 1 }, key: null };
    if (isRecord(incoming) && isRecord(existing) && !REPLACED_WHOLE.has(dotted)) {
      origins.set(dotted, { kind: 'file', file: file.display, ...position });
      mergeFile(existing, file, path, origins);
    } else {
      setOwn(target, key, structuredClone(incoming));
      forgetBelow(origins, dotted);
      recordFileOrigins(incoming, path, file, origins);
    }
  }
}

function recordFileOrigins(value: unknown, path: Segments, file: ParsedFile, origins: Map<string, Origin>): void {
  const dotted = path.join('.');
  const position = file.nodes.get(dotted) ?? { value: { line: 1, col: 1 }, key: null };
  origins.set(dotted, { kind: 'file', file: file.display, ...position });
  if (isRecord(value)) {
    for (const key of Object.keys(value)) recordFileOrigins(value[key], [...path, key], file, origins);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => recordFileOrigins(item, [...path, String(index)], file, origins));
  }
}

// ---------------------------------------------------------------------------------------------
// Environment

function applyEnvironment(
  config: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  origins: Map<string, Origin>,
  problems: string[],
): void {
  // Shortcuts first, so an explicit KEFU__ variable wins over a platform's generic PORT.
  for (const { variable, path } of SHORTCUT_VARIABLES) {
    const raw = nonEmpty(env[variable]);
    if (raw !== undefined) setFromEnvironment(config, path, variable, raw, origins);
  }
  const generic = Object.keys(env)
    .filter((name) => name.startsWith(ENV_PREFIX) && name.length > ENV_PREFIX.length)
    .sort();
  for (const variable of generic) {
    const raw = nonEmpty(env[variable]);
    if (raw === undefined) continue;
    const parts = variable.slice(ENV_PREFIX.length).split('__');
    if (parts.some((part) => part.length === 0)) {
      problems.push(`${variable}: a setting name is missing between double underscores (write KEFU__SECTION__KEY)`);
      continue;
    }
    setFromEnvironment(config, matchSettingNames(parts, config), variable, raw, origins);
  }
}

/**
 * Finds each part of a variable's name among the schema's (and the file's) setting names,
 * ignoring case, dashes and underscores: SERVER__BODYLIMITBYTES → server.bodyLimitBytes,
 * SHOP__NAME__ZH_HANS → shop.name.zh-Hans. Unknown parts are kept so validation can name them.
 */
function matchSettingNames(parts: string[], config: Record<string, unknown>): string[] {
  const path: string[] = [];
  let schema: JsonSchema | undefined = configSchema as JsonSchema;
  let node: unknown = config;
  for (const part of parts) {
    const wanted = normaliseName(part);
    const candidates: string[] = [...Object.keys(schema?.properties ?? {}), ...(isRecord(node) ? Object.keys(node) : [])];
    const key: string = candidates.find((name) => normaliseName(name) === wanted) ?? part;
    path.push(key);
    schema = own(schema?.properties, key) as JsonSchema | undefined;
    node = own(node, key);
  }
  return path;
}

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

function setFromEnvironment(
  config: Record<string, unknown>,
  path: string[],
  variable: string,
  raw: string,
  origins: Map<string, Origin>,
): void {
  const secret = schemaAt(path)?.writeOnly === true;
  let node = config;
  for (const [index, key] of path.slice(0, -1).entries()) {
    if (!isRecord(own(node, key))) {
      setOwn(node, key, {});
      origins.set(path.slice(0, index + 1).join('.'), { kind: 'env', variable, raw, secret });
    }
    node = node[key] as Record<string, unknown>;
  }
  const dotted = path.join('.');
  setOwn(node, path[path.length - 1]!, parseEnvironmentValue(raw, schemaAt(path)));
  forgetBelow(origins, dotted);
  origins.set(dotted, { kind: 'env', variable, raw, secret });
}

/**
 * Reads a variable's value as a YAML scalar, so 8080, true and null mean what they say; a
 * setting that takes text gets the text as written ("007" stays "007").
 */
function parseEnvironmentValue(raw: string, schema: JsonSchema | undefined): unknown {
  let value: unknown;
  try {
    value = parseYaml(raw);
  } catch {
    value = raw;
  }
  if (value === undefined || (value !== null && typeof value === 'object')) value = raw;
  const types = schema?.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  // A list of texts (Redis Cluster nodes) is written comma-separated in one variable.
  if (types.includes('array') && schema?.items?.type === 'string') return raw.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  const fits = (value === null && types.includes('null')) || types.includes(jsonType(value));
  if (!fits && types.includes('string')) return raw;
  return value;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function schemaAt(path: Segments): JsonSchema | undefined {
  let schema: JsonSchema | undefined = configSchema as JsonSchema;
  for (const key of path) schema = own(schema?.properties, key) as JsonSchema | undefined;
  return schema;
}

// ---------------------------------------------------------------------------------------------
// Secrets

function resolveSecrets(
  node: unknown,
  path: string[],
  env: NodeJS.ProcessEnv,
  origins: Map<string, Origin>,
  secretPaths: Set<string>,
  unresolved: Set<string>,
  problems: string[],
): void {
  if (!isRecord(node)) return;
  for (const key of Object.keys(node)) {
    const value = node[key];
    const childPath = [...path, key];
    const dotted = childPath.join('.');
    if (typeof value === 'string') {
      const reference = SECRET_REFERENCE.exec(value.trim());
      const origin = origins.get(dotted);
      if (reference !== null) {
        const variable = reference[1]!;
        const secret = nonEmpty(env[variable]);
        secretPaths.add(dotted);
        if (origin?.kind === 'file') origin.secretVariable = variable;
        if (secret === undefined) {
          unresolved.add(dotted);
          problems.push(at(origin, `${dotted} needs the environment variable ${variable}, which is not set`, true));
        } else {
          node[key] = secret;
        }
      } else if (value.includes('${env:')) {
        unresolved.add(dotted);
        problems.push(at(origin, `${dotted}: \${env:NAME} must be the whole value, with nothing around it`, true));
      }
    } else {
      resolveSecrets(value, childPath, env, origins, secretPaths, unresolved, problems);
    }
  }
}

/** Paths of settings the schema marks writeOnly (secrets) that are present in the configuration. */
function writeOnlyPathsPresent(config: Record<string, unknown>): string[] {
  const found: string[] = [];
  const walk = (schema: JsonSchema | undefined, node: unknown, path: string[]): void => {
    if (!isRecord(node) || schema?.properties === undefined) return;
    for (const [key, child] of Object.entries(schema.properties)) {
      if (!Object.prototype.hasOwnProperty.call(node, key)) continue;
      if (child.writeOnly === true) found.push([...path, key].join('.'));
      else walk(child, node[key], [...path, key]);
    }
  };
  walk(configSchema as JsonSchema, config, []);
  return found;
}

// ---------------------------------------------------------------------------------------------
// Validation

let validator: ValidateFunction | undefined;

function compiledValidator(): ValidateFunction {
  if (validator !== undefined) return validator;
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, verbose: true });
  ajv.addFormat('iana-time-zone', { type: 'string', validate: isTimeZone });
  ajv.addFormat('country-code', { type: 'string', validate: (code) => /^[A-Z]{2}$/.test(code) && isSupportedCountry(code) });
  ajv.addFormat('regex', { type: 'string', validate: isRegularExpression });
  ajv.addFormat('redis-url', { type: 'string', validate: isRedisUrl });
  ajv.addFormat('redis-sentinel-node', { type: 'string', validate: isSentinelNode });
  validator = ajv.compile(configSchema);
  return validator;
}

function isTimeZone(zone: string): boolean {
  // Intl accepts offsets such as "+08:00" too; a shop's zone should be a named IANA one.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function isRegularExpression(pattern: string): boolean {
  try {
    // Checked as the engine compiles it: without flags.
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

function isRedisUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'redis:' || parsed.protocol === 'rediss:') && parsed.hostname.length > 0;
  } catch {
    return false;
  }
}

/** host:port, a bare host (Sentinel's port 26379) or redis://[user:password@]host:port. */
function isSentinelNode(node: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(node)) return isRedisUrl(node) && node.toLowerCase().startsWith('redis:');
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(node);
  return match !== null && (match[2] === undefined || (Number(match[2]) >= 1 && Number(match[2]) <= 65535));
}

/**
 * What one setting cannot say about another: sentinels need the master's name (and a name needs
 * sentinels), and Kefu runs on a Cluster or through Sentinel, not both.
 */
function checkRedisShape(config: Record<string, unknown>, origins: Map<string, Origin>, problems: string[]): void {
  const redis = own(config, 'redis');
  const sentinel = own(redis, 'sentinel');
  const sentinels = own(sentinel, 'nodes');
  const clusterNodes = own(redis, 'clusterNodes');
  const masterName = own(sentinel, 'masterName');
  const hasSentinels = Array.isArray(sentinels) && sentinels.length > 0;
  if (hasSentinels && (masterName === null || masterName === undefined)) {
    problems.push(
      at(
        nearestOrigin(origins, 'redis.sentinel.nodes'),
        'redis.sentinel.nodes lists sentinels but redis.sentinel.masterName is not set: give the name of the master group they watch (REDIS_SENTINEL_MASTER=mymaster)',
        false,
      ),
    );
  }
  if (!hasSentinels && typeof masterName === 'string') {
    problems.push(
      at(
        nearestOrigin(origins, 'redis.sentinel.masterName'),
        'redis.sentinel.masterName is set but redis.sentinel.nodes lists no sentinel: give some of them (REDIS_SENTINEL_NODES=10.0.0.1:26379,10.0.0.2:26379)',
        false,
      ),
    );
  }
  if (hasSentinels && Array.isArray(clusterNodes) && clusterNodes.length > 0) {
    const cluster = nearestOrigin(origins, 'redis.clusterNodes');
    const where = cluster?.kind === 'env' ? cluster.variable : cluster?.kind === 'file' ? `${cluster.file}:${cluster.value.line}:${cluster.value.col}` : 'redis.clusterNodes';
    problems.push(
      at(
        nearestOrigin(origins, 'redis.sentinel.nodes'),
        `redis.sentinel.nodes and redis.clusterNodes (${where}) are both set: Kefu runs on a Redis Cluster or on a master watched by Sentinel, not both; remove one`,
        false,
      ),
    );
  }
}

const FORMAT_MESSAGES: Record<string, string> = {
  'iana-time-zone': 'must be an IANA time zone such as Asia/Shanghai',
  'country-code': 'must be a two-letter country code such as CN',
  regex: 'must be a valid regular expression',
  'redis-url': 'must be a redis:// or rediss:// URL, or null',
  'redis-sentinel-node': 'must be host:port (e.g. 10.0.0.1:26379) or a redis:// URL',
};

const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  object: 'a group of settings (name: value lines)',
  array: 'a list',
  null: 'null',
};

function describeSchemaError(
  error: ErrorObject,
  origins: Map<string, Origin>,
  secretPaths: Set<string>,
  unresolved: Set<string>,
): string | null {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const path = segments.join('.');
  const params = error.params as Record<string, unknown>;
  if (unresolved.has(path)) return null; // already reported as a missing secret
  const isSecret = secretPaths.has(path);

  switch (error.keyword) {
    case 'if':
      return null; // the "then" branch's own error says what is missing
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const child = path === '' ? name : `${path}.${name}`;
      const known = Object.keys((error.parentSchema as JsonSchema | undefined)?.properties ?? {});
      const suggestion = closestName(name, known);
      const hint = suggestion === null ? `; known settings here: ${known.join(', ')}` : `; did you mean ${suggestion}?`;
      return at(nearestOrigin(origins, child), `${child} is not a known setting${hint}`, false, true);
    }
    case 'required': {
      const name = String(params.missingProperty);
      const child = path === '' ? name : `${path}.${name}`;
      const where = error.schemaPath.includes('/then/') ? ` when ${path}.kind is ${String((error.data as Record<string, unknown>).kind)}` : '';
      const whole = REPLACED_WHOLE.has(path) ? ` (a file that sets ${path} replaces it whole, so give every entry)` : '';
      return at(nearestOrigin(origins, path), `${child} is required${where}${whole}`, isSecret);
    }
    default:
      return at(nearestOrigin(origins, path), `${path === '' ? 'the configuration' : path} ${plainMessage(error)}`, isSecret);
  }
}

function plainMessage(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type': {
      const types = String(params.type).split(',');
      return `must be ${types.map((type) => TYPE_WORDS[type] ?? type).join(' or ')}`;
    }
    case 'minimum':
      return `must be at least ${String(params.limit)}`;
    case 'maximum':
      return `must be at most ${String(params.limit)}`;
    case 'exclusiveMinimum':
      return `must be more than ${String(params.limit)}`;
    case 'exclusiveMaximum':
      return `must be less than ${String(params.limit)}`;
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters long`;
    case 'maxLength':
      return `must be at most ${String(params.limit)} characters long`;
    case 'enum':
      return `must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'format':
      return FORMAT_MESSAGES[String(params.format)] ?? `must be a valid ${String(params.format)}`;
    default:
      return error.message ?? 'is not valid';
  }
}

/** Suggests the known name a typo was probably meant to be (edit distance at most 2). */
function closestName(name: string, known: string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(normaliseName(name), normaliseName(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

// ---------------------------------------------------------------------------------------------
// Where values came from

function nearestOrigin(origins: Map<string, Origin>, path: string): Origin | undefined {
  let segments = path === '' ? [] : path.split('.');
  while (true) {
    const origin = origins.get(segments.join('.'));
    if (origin !== undefined || segments.length === 0) return origin;
    segments = segments.slice(0, -1);
  }
}

/** Puts a problem in words with its source: "file:line:col text" or "text (from VAR="value")". */
function at(origin: Origin | undefined, text: string, hideValue: boolean, atKey = false): string {
  if (origin === undefined) return text;
  if (origin.kind === 'file') {
    const position = atKey && origin.key !== null ? origin.key : origin.value;
    return `${origin.file}:${position.line}:${position.col} ${text}`;
  }
  if (hideValue || origin.secret) return `${text} (from ${origin.variable}, value hidden)`;
  return `${text} (from ${origin.variable}=${JSON.stringify(quotable(origin.raw))})`;
}

function quotable(raw: string): string {
  const shown = hideUrlPassword(raw);
  return shown.length > MAX_QUOTED_VALUE ? `${shown.slice(0, MAX_QUOTED_VALUE)}…` : shown;
}

function describeSources(origins: Map<string, Origin>, config: Record<string, unknown>): Record<string, string> {
  const sources: Record<string, string> = {};
  const walk = (node: unknown, path: string[]): void => {
    if (isRecord(node)) {
      for (const key of Object.keys(node)) walk(node[key], [...path, key]);
      return;
    }
    const dotted = path.join('.');
    const origin = nearestOrigin(origins, dotted);
    if (origin === undefined) return;
    if (origin.kind === 'env') {
      sources[dotted] = `env ${origin.variable}`;
    } else {
      const where = `${origin.file}:${origin.value.line}:${origin.value.col}`;
      sources[dotted] = origin.secretVariable === undefined ? where : `${where} via env ${origin.secretVariable}`;
    }
  };
  walk(config, []);
  return sources;
}

function forgetBelow(origins: Map<string, Origin>, dotted: string): void {
  const prefix = `${dotted}.`;
  for (const key of [...origins.keys()]) if (key.startsWith(prefix)) origins.delete(key);
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function findProjectRoot(start: string): string {
  let folder = start;
  while (true) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    const parent = dirname(folder);
    if (parent === folder) return dirname(start);
    folder = parent;
  }
}

function displayPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere !== '' && !fromHere.startsWith('..') && !isAbsolute(fromHere) ? fromHere : path;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an own property only: `node["__proto__"]` must never reach Object.prototype. */
function own(node: unknown, key: string): unknown {
  return isRecord(node) && Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
}

/** Assigns an own property even for keys like "__proto__", so a file cannot reach prototypes. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function hideUrlPassword(text: string): string {
  // A list of URLs in one variable (REDIS_CLUSTER_NODES, REDIS_SENTINEL_NODES): each one's password hidden.
  if (text.includes(',')) return text.split(',').map(hideUrlPassword).join(',');
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/\s]*:[^/\s]*@/i.test(text)) return text;
  try {
    const url = new URL(text);
    if (url.password === '') return text;
    url.password = 'secret';
    return url.toString().replace(':secret@', ':[secret]@');
  } catch {
    return text;
  }
}

function hideUrlPasswords(node: unknown): void {
  if (Array.isArray(node)) {
    // Lists of URLs too (redis.clusterNodes, redis.sentinel.nodes).
    node.forEach((value, index) => {
      if (typeof value === 'string') node[index] = hideUrlPassword(value);
      else hideUrlPasswords(value);
    });
    return;
  }
  if (!isRecord(node)) return;
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (typeof value === 'string') node[key] = hideUrlPassword(value);
    else hideUrlPasswords(value);
  }
}
