import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, defaultConfigFile, describeConfig, loadConfig, projectRoot } from '../../config/load-config.ts';

const folder = mkdtempSync(join(tmpdir(), 'kefu-config-test-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let fileCount = 0;
/** Writes a merchant file into the test's temporary folder and returns its path. */
function merchantFile(yaml: string): string {
  const path = join(folder, `merchant-${++fileCount}.yaml`);
  writeFileSync(path, yaml);
  return path;
}

/** Runs loadConfig expecting it to fail, and returns the problems it listed. */
function problemsOf(options: Parameters<typeof loadConfig>[0]): string[] {
  try {
    loadConfig(options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

/** "line:col" of the first occurrence of `text` in the defaults file (1-based). */
function positionInDefaults(text: string): string {
  const lines = readFileSync(defaultConfigFile, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes(text));
  return `${line + 1}:${lines[line]!.indexOf(text) + 1}`;
}

describe('defaults', () => {
  it('loads config/default.yaml with nothing else set', () => {
    const { config, secretPaths, sources } = loadConfig({ env: {} });
    expect(config).toEqual({
      server: { host: '0.0.0.0', port: 3000, bodyLimitBytes: 65536 },
      redis: { url: null, clusterNodes: [], sentinel: { nodes: [], masterName: null } },
      flows: { dir: join(projectRoot, 'flows'), watch: true },
      sessions: { ttlSeconds: 86400, keyPrefix: 'kefu:', memoryMaxConversations: 50000 },
      shops: { dir: null, defaultShop: null },
      conversations: { lineWaitMs: 10000, leaseMs: 30000, dedupeSeconds: 86400, maxTextLength: 2000, lastTurns: 10 },
      nlu: { threshold: null },
      shop: { name: { 'zh-Hans': '小蜜演示店', 'zh-Hant': '小蜜演示店', en: 'Kefu Demo Shop' }, language: 'zh-Hans', timezone: 'Asia/Shanghai', defaultCountry: 'CN', orderIdPattern: null },
      webchat: { enabled: true, mostAskedChips: 0, identity: { audience: 'demo-shop', maxAgeSeconds: 3600 }, rateLimit: { perAddress: 120, perConversation: 30, windowSeconds: 60 } },
      agentDesk: { kind: 'memory', language: 'en' },
      handoff: expect.objectContaining({ noteMarker: '//', unclaimedNoticeSeconds: 180, businessHours: null }),
      desk: { enabled: true, agents: [], sessionHours: 12, sso: { audience: 'kefu-desk' }, signInLimits: { perAgent: 5, perAddress: 20, windowMinutes: 15 } },
      reminders: { enabled: true, delayMinutes: 30, maxPerOrder: 2, quietHours: { start: '22:00', end: '08:00' }, language: 'zh-Hans' },
      logging: { level: 'info' },
      insight: {
        quietAfterMinutes: 30,
        agentDailyCapacity: 120,
        presaleIntents: ['ask_size', 'ask_stock', 'ask_product_info', 'ask_price_promo', 'ask_shipping'],
        sentiment: { handoffAtOrBelow: -6, unlessIntents: ['complaint', 'human_agent'] },
        trainer: { keepMessages: 2000, clusterThreshold: 0.35, newIntentsFile: 'trained.yaml' },
        liveUpdateSeconds: 5,
      },
      admin: { token: null },
      commerce: { kind: 'demo', catalogFile: null, watch: true },
      orders: { backend: 'demo', http: { baseUrl: null, timeoutMs: 5000, eventsPollSeconds: 10 } },
      afterSale: { returnWindowDays: 7, stalledAfterHours: 48, refundArrivalDays: 3, guestProof: { triesPerConversation: 3, triesPerOrder: 5, windowMinutes: 60 } },
      channels: {
        inbox: { retryBaseMs: 1000, maxRetryMs: 60000, maxAttempts: 12, optionsSeconds: 3600 },
        lazada: { enabled: false, apiBaseUrl: 'https://api.lazada.sg/rest', webhookPath: '/channels/lazada/push' },
        tiktok: { enabled: false, apiBaseUrl: 'https://open-api.tiktokglobalshop.com', webhookPath: '/channels/tiktok/webhook' },
        shopee: { enabled: false, apiBaseUrl: 'https://partner.shopeemobile.com', webhookPath: '/channels/shopee/push', sendThroughSellerchat: false, lostPushIntervalSeconds: 300 },
      },
    });
    expect(secretPaths).toEqual([]);
    expect(sources['server.port']).toBe(`config/default.yaml:${positionInDefaults('3000')}`);
  });

  it('tells editors where the schema is', () => {
    expect(readFileSync(defaultConfigFile, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./config.schema.json');
  });
});

describe("the merchant's file", () => {
  it('is laid over the defaults: what it sets wins, the rest stays', () => {
    const file = merchantFile(
      ['server:', '  port: 8080', 'shop:', '  name:', '    zh-Hans: 阿里小店', '    zh-Hant: 阿里小店', '    en: Ali Shop', '  orderIdPattern: "^\\\\d{16,19}$"', ''].join('\n'),
    );
    const { config, sources } = loadConfig({ env: {}, file });
    expect(config.server).toEqual({ host: '0.0.0.0', port: 8080, bodyLimitBytes: 65536 });
    expect(config.shop).toEqual({ name: { 'zh-Hans': '阿里小店', 'zh-Hant': '阿里小店', en: 'Ali Shop' }, language: 'zh-Hans', timezone: 'Asia/Shanghai', defaultCountry: 'CN', orderIdPattern: '^\\d{16,19}$' });
    expect(sources['server.port']).toBe(`${file}:2:9`);
    expect(sources['server.host']).toMatch(/^config\/default\.yaml:/);
  });

  it('is found through KEFU_CONFIG', () => {
    const file = merchantFile('logging:\n  level: debug\n');
    expect(loadConfig({ env: { KEFU_CONFIG: file } }).config.logging.level).toBe('debug');
  });

  it('replaces the shop name whole, so a name in one language does not keep the demo name in the others', () => {
    const file = merchantFile('shop:\n  name: { en: Ali Shop }\n');
    expect(problemsOf({ env: {}, file })).toEqual([
      `${file}:2:9 shop.name.zh-Hans is required (a file that sets shop.name replaces it whole, so give every entry)`,
      `${file}:2:9 shop.name.zh-Hant is required (a file that sets shop.name replaces it whole, so give every entry)`,
    ]);
  });

  it('an empty file changes nothing', () => {
    expect(loadConfig({ env: {}, file: merchantFile('# nothing yet\n') }).config.server.port).toBe(3000);
  });
});

describe('environment overrides', () => {
  it.each([
    ['PORT', '8080', (c: ReturnType<typeof loadConfig>['config']) => c.server.port, 8080],
    ['HOST', '127.0.0.1', (c: ReturnType<typeof loadConfig>['config']) => c.server.host, '127.0.0.1'],
    ['REDIS_URL', 'redis://127.0.0.1:6379/0', (c: ReturnType<typeof loadConfig>['config']) => c.redis.url, 'redis://127.0.0.1:6379/0'],
    ['LOG_LEVEL', 'warn', (c: ReturnType<typeof loadConfig>['config']) => c.logging.level, 'warn'],
    ['KEFU_FLOWS_DIR', '/srv/shop/flows', (c: ReturnType<typeof loadConfig>['config']) => c.flows.dir, '/srv/shop/flows'],
    ['KEFU_FLOWS_DIR', 'my-flows', (c: ReturnType<typeof loadConfig>['config']) => c.flows.dir, join(projectRoot, 'my-flows')],
  ])('%s=%s', (variable, value, read, expected) => {
    const { config, sources } = loadConfig({ env: { [variable]: value } });
    expect(read(config)).toBe(expected);
    expect(Object.values(sources)).toContain(`env ${variable}`);
  });

  it('REDIS_CLUSTER_NODES takes Cluster nodes separated by commas, spaces allowed', () => {
    const { config, sources } = loadConfig({ env: { REDIS_CLUSTER_NODES: 'redis://10.0.0.1:7000, redis://10.0.0.2:7000,' } });
    expect(config.redis.clusterNodes).toEqual(['redis://10.0.0.1:7000', 'redis://10.0.0.2:7000']);
    expect(Object.values(sources)).toContain('env REDIS_CLUSTER_NODES');
  });

  it('hides Cluster node passwords in the configuration it logs', () => {
    const loaded = loadConfig({ env: { REDIS_CLUSTER_NODES: 'redis://:hunter2@10.0.0.1:7000' } });
    expect(loaded.config.redis.clusterNodes).toEqual(['redis://:hunter2@10.0.0.1:7000']);
    expect(JSON.stringify(describeConfig(loaded))).not.toContain('hunter2');
  });

  it('refuses a Cluster node that is not a redis:// URL, hiding its password', () => {
    const problems = problemsOf({ env: { REDIS_CLUSTER_NODES: 'redis://10.0.0.1:7000,http://:hunter2@10.0.0.2:7000' } });
    expect(problems.join('\n')).toContain('redis.clusterNodes');
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('REDIS_SENTINEL_NODES and REDIS_SENTINEL_MASTER name the sentinels and the master group they watch', () => {
    const { config, sources } = loadConfig({
      env: { REDIS_SENTINEL_NODES: '10.0.0.1:26379, sentinel-b, redis://:hunter2@10.0.0.3:26380,', REDIS_SENTINEL_MASTER: 'mymaster' },
    });
    expect(config.redis.sentinel).toEqual({ nodes: ['10.0.0.1:26379', 'sentinel-b', 'redis://:hunter2@10.0.0.3:26380'], masterName: 'mymaster' });
    expect(sources['redis.sentinel.nodes']).toBe('env REDIS_SENTINEL_NODES');
    expect(sources['redis.sentinel.masterName']).toBe('env REDIS_SENTINEL_MASTER');
  });

  it('hides sentinel passwords, and the master password behind Sentinel, in the configuration it logs', () => {
    const loaded = loadConfig({
      env: { REDIS_SENTINEL_NODES: 'redis://:hunter2@10.0.0.1:26379', REDIS_SENTINEL_MASTER: 'mymaster', KEFU__REDIS__SENTINEL__PASSWORD: 'swordfish' },
    });
    expect(loaded.config.redis.sentinel.password).toBe('swordfish');
    expect(loaded.secretPaths).toContain('redis.sentinel.password');
    const logged = JSON.stringify(describeConfig(loaded));
    expect(logged).not.toContain('hunter2');
    expect(logged).not.toContain('swordfish');
  });

  it('refuses a master password written in a file instead of ${env:NAME}', () => {
    const file = merchantFile('redis:\n  sentinel:\n    nodes: [10.0.0.1:26379]\n    masterName: mymaster\n    password: swordfish\n');
    const problems = problemsOf({ env: {}, file });
    expect(problems.join('\n')).toContain('redis.sentinel.password is a secret');
    expect(problems.join('\n')).not.toContain('swordfish');
  });

  it('refuses sentinels without the name of the master group they watch', () => {
    expect(problemsOf({ env: { REDIS_SENTINEL_NODES: '10.0.0.1:26379' } })).toEqual([
      'redis.sentinel.nodes lists sentinels but redis.sentinel.masterName is not set: give the name of the master group they watch (REDIS_SENTINEL_MASTER=mymaster) (from REDIS_SENTINEL_NODES="10.0.0.1:26379")',
    ]);
  });

  it('refuses a master group name without sentinels, pointing at the file line', () => {
    const file = merchantFile('redis:\n  sentinel:\n    masterName: mymaster\n');
    const problems = problemsOf({ env: {}, file });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/merchant-\d+\.yaml:3:17 redis\.sentinel\.masterName is set but redis\.sentinel\.nodes lists no sentinel/);
  });

  it('refuses Cluster nodes and sentinels at once, saying where each came from', () => {
    const problems = problemsOf({
      env: { REDIS_CLUSTER_NODES: 'redis://:hunter2@10.0.0.1:7000', REDIS_SENTINEL_NODES: '10.0.0.1:26379', REDIS_SENTINEL_MASTER: 'mymaster' },
    });
    expect(problems).toEqual([
      'redis.sentinel.nodes and redis.clusterNodes (REDIS_CLUSTER_NODES) are both set: Kefu runs on a Redis Cluster or on a master watched by Sentinel, not both; remove one (from REDIS_SENTINEL_NODES="10.0.0.1:26379")',
    ]);
  });

  it('refuses a sentinel that is neither host:port nor a redis:// URL, hiding its password', () => {
    const problems = problemsOf({ env: { REDIS_SENTINEL_NODES: '10.0.0.1:26379,rediss://:hunter2@10.0.0.2:26379,10.0.0.3:99999', REDIS_SENTINEL_MASTER: 'mymaster' } });
    expect(problems.join('\n')).toContain('redis.sentinel.nodes.1 must be host:port (e.g. 10.0.0.1:26379) or a redis:// URL');
    expect(problems.join('\n')).toContain('redis.sentinel.nodes.2 must be host:port');
    expect(problems.join('\n')).not.toContain('redis.sentinel.nodes.0');
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('KEFU__SECTION__KEY sets any setting, matching names without regard to case', () => {
    const { config, sources } = loadConfig({
      env: {
        KEFU__SERVER__BODYLIMITBYTES: '1048576',
        KEFU__WEBCHAT__ENABLED: 'false',
        KEFU__NLU__THRESHOLD: '0.7',
        KEFU__SHOP__NAME__ZH_HANT: '阿里小店',
        KEFU__SHOP__ORDERIDPATTERN: '~',
        KEFU__AGENTDESK__KIND: 'memory',
      },
    });
    expect(config.server.bodyLimitBytes).toBe(1048576);
    expect(config.webchat.enabled).toBe(false);
    expect(config.nlu.threshold).toBe(0.7);
    expect(config.shop.name['zh-Hant']).toBe('阿里小店');
    expect(config.shop.orderIdPattern).toBeNull();
    expect(sources['server.bodyLimitBytes']).toBe('env KEFU__SERVER__BODYLIMITBYTES');
  });

  it('keeps text settings as text even when they look like numbers', () => {
    const { config } = loadConfig({ env: { KEFU__SESSIONS__KEYPREFIX: '007', HOST: '0' } });
    expect(config.sessions.keyPrefix).toBe('007');
    expect(config.server.host).toBe('0');
  });

  it('lets KEFU__ variables win over the shortcuts, and the environment win over files', () => {
    const file = merchantFile('server:\n  port: 4000\n');
    expect(loadConfig({ env: {}, file }).config.server.port).toBe(4000);
    expect(loadConfig({ env: { PORT: '5000' }, file }).config.server.port).toBe(5000);
    expect(loadConfig({ env: { PORT: '5000', KEFU__SERVER__PORT: '6000' }, file }).config.server.port).toBe(6000);
  });

  it('ignores variables set to the empty string', () => {
    expect(loadConfig({ env: { PORT: '', KEFU__SERVER__PORT: '' } }).config.server.port).toBe(3000);
  });
});

describe('secrets', () => {
  const slackFile = (): string =>
    merchantFile(
      ['agentDesk:', '  kind: slack', '  slack:', '    botToken: ${env:SLACK_BOT_TOKEN}', '    signingSecret: ${env:SLACK_SIGNING_SECRET}', '    channel: C0123456789', ''].join('\n'),
    );

  it('replaces ${env:NAME} with the variable and lists the path as a secret', () => {
    const file = slackFile();
    const loaded = loadConfig({ env: { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: 'signing-secret' }, file });
    expect(loaded.config.agentDesk.slack).toEqual({ botToken: 'xoxb-test-token', signingSecret: 'signing-secret', channel: 'C0123456789' });
    expect(loaded.secretPaths).toEqual(['agentDesk.slack.botToken', 'agentDesk.slack.signingSecret']);
    expect(loaded.sources['agentDesk.slack.botToken']).toBe(`${file}:4:15 via env SLACK_BOT_TOKEN`);
  });

  it('names the setting and the variable when the variable is missing', () => {
    const file = slackFile();
    expect(problemsOf({ env: { SLACK_BOT_TOKEN: 'xoxb-test-token' }, file })).toEqual([
      `${file}:5:20 agentDesk.slack.signingSecret needs the environment variable SLACK_SIGNING_SECRET, which is not set`,
    ]);
  });

  it('refuses a secret written into a file as a value', () => {
    const file = merchantFile(['agentDesk:', '  kind: slack', '  slack:', '    botToken: xoxb-pasted-token', '    signingSecret: ${env:SLACK_SIGNING_SECRET}', '    channel: C1', ''].join('\n'));
    const problems = problemsOf({ env: { SLACK_SIGNING_SECRET: 's' }, file });
    expect(problems).toEqual([
      `${file}:4:15 agentDesk.slack.botToken is a secret and must not be written in a file: write \${env:NAME} and set NAME in the environment`,
    ]);
    expect(problems.join('\n')).not.toContain('xoxb-pasted-token');
  });

  it('accepts a secret set directly in the environment', () => {
    const loaded = loadConfig({
      env: {
        KEFU__AGENTDESK__KIND: 'dingtalk',
        KEFU__AGENTDESK__DINGTALK__APPKEY: 'ding-app',
        KEFU__AGENTDESK__DINGTALK__APPSECRET: 'ding-secret',
        KEFU__AGENTDESK__DINGTALK__ROBOTCODE: 'robot',
        KEFU__AGENTDESK__DINGTALK__OPENCONVERSATIONID: 'cid123',
      },
    });
    expect(loaded.config.agentDesk.dingtalk?.appSecret).toBe('ding-secret');
    expect(loaded.secretPaths).toEqual(['agentDesk.dingtalk.appSecret']);
  });

  it('only accepts ${env:NAME} as the whole value', () => {
    const file = merchantFile('redis:\n  url: redis://:${env:REDIS_PASSWORD}@cache:6379\n');
    expect(problemsOf({ env: { REDIS_PASSWORD: 'pw' }, file })).toEqual([`${file}:2:8 redis.url: \${env:NAME} must be the whole value, with nothing around it`]);
  });

  it('describeConfig hides secrets and URL passwords, and leaves the loaded configuration alone', () => {
    const loaded = loadConfig({
      env: { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: 'signing-secret', REDIS_URL: 'redis://:hunter2@cache.internal:6379/0' },
      file: slackFile(),
    });
    const described = describeConfig(loaded);
    expect(described.agentDesk.slack).toEqual({ botToken: '[secret]', signingSecret: '[secret]', channel: 'C0123456789' });
    expect(described.redis.url).toBe('redis://:[secret]@cache.internal:6379/0');
    expect(JSON.stringify(described)).not.toMatch(/xoxb-test-token|signing-secret|hunter2/);
    expect(loaded.config.agentDesk.slack?.botToken).toBe('xoxb-test-token');
  });
});

describe('problems are reported in plain words with where they came from', () => {
  it('gives file:line:col for values from a file, listing every problem at once', () => {
    const file = merchantFile(
      ['server:', '  port: abc', '  prot: 3001', 'shop:', '  timezone: Mars/Olympus_Mons', '  defaultCountry: cn', 'agentDesk:', '  kind: wechat', 'logging:', '  level: 5', ''].join('\n'),
    );
    expect(problemsOf({ env: {}, file })).toEqual([
      `${file}:3:3 server.prot is not a known setting; did you mean port?`,
      `${file}:2:9 server.port must be an integer`,
      `${file}:5:13 shop.timezone must be an IANA time zone such as Asia/Shanghai`,
      `${file}:6:19 shop.defaultCountry must be a two-letter country code such as CN`,
      `${file}:8:9 agentDesk.kind must be one of: memory, slack, dingtalk`,
      `${file}:10:10 logging.level must be text`,
      `${file}:10:10 logging.level must be one of: fatal, error, warn, info, debug, trace, silent`,
    ]);
  });

  it('checks ranges', () => {
    const file = merchantFile('server:\n  port: 70000\nnlu:\n  threshold: -0.1\nconversations:\n  maxTextLength: 0\n');
    expect(problemsOf({ env: {}, file })).toEqual([
      `${file}:2:9 server.port must be at most 65535`,
      `${file}:6:18 conversations.maxTextLength must be at least 1`,
      `${file}:4:14 nlu.threshold must be at least 0`,
    ]);
  });

  it('names the variable and its value for values from the environment', () => {
    expect(problemsOf({ env: { KEFU__SERVER__PORT: 'abc', LOG_LEVEL: 'loud', KEFU__SERVER__PROT: '1' } })).toEqual([
      'server.PROT is not a known setting; did you mean port? (from KEFU__SERVER__PROT="1")',
      'server.port must be an integer (from KEFU__SERVER__PORT="abc")',
      'logging.level must be one of: fatal, error, warn, info, debug, trace, silent (from LOG_LEVEL="loud")',
    ]);
  });

  it('needs the settings of the chosen agent desk', () => {
    const file = merchantFile('agentDesk:\n  kind: slack\n');
    expect(problemsOf({ env: {}, file })).toEqual([`${file}:2:3 agentDesk.slack is required when agentDesk.kind is slack`]);
  });

  it('rejects an order id pattern that is not a regular expression', () => {
    expect(problemsOf({ env: { KEFU__SHOP__ORDERIDPATTERN: '([0-9]+' } })).toEqual([
      'shop.orderIdPattern must be a valid regular expression (from KEFU__SHOP__ORDERIDPATTERN="([0-9]+")',
    ]);
  });

  it('hides the value of a secret from the environment that fails validation', () => {
    const problems = problemsOf({ env: { KEFU__AGENTDESK__KIND: 'slack', KEFU__AGENTDESK__SLACK__BOTTOKEN: 'xoxb-1', KEFU__AGENTDESK__SLACK__SIGNINGSECRET: '5' } });
    expect(problems.join('\n')).not.toContain('xoxb-1');
    expect(problems).toContain('agentDesk.slack.channel is required (from KEFU__AGENTDESK__SLACK__BOTTOKEN, value hidden)');
  });

  it('hides passwords in URLs it quotes back', () => {
    expect(problemsOf({ env: { REDIS_URL: 'http://:hunter2@cache:6379' } })).toEqual([
      'redis.url must be a redis:// or rediss:// URL, or null (from REDIS_URL="http://:[secret]@cache:6379/")',
    ]);
  });

  it('reports YAML syntax errors with file:line:col', () => {
    const file = merchantFile('server:\n  port: 3000\n host: [0.0.0.0\n');
    const problems = problemsOf({ env: {}, file });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+ `));
  });

  it('reports duplicate keys', () => {
    const file = merchantFile('server:\n  port: 1\n  port: 2\n');
    expect(problemsOf({ env: {}, file })).toEqual([`${file}:3:3 Map keys must be unique`]);
  });

  it('puts every problem in the error message too', () => {
    try {
      loadConfig({ env: { PORT: '-1' } });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe('Kefu\'s configuration has 1 problem:\n  server.port must be at least 0 (from PORT="-1")');
    }
  });
});

describe('hostile or broken files', () => {
  it('says when the file does not exist', () => {
    const missing = join(folder, 'nope.yaml');
    expect(problemsOf({ env: {}, file: missing })).toEqual([`${missing}: cannot read the file (it does not exist)`]);
  });

  it('refuses a file that is not a list of settings', () => {
    const file = merchantFile('- server\n- port\n');
    expect(problemsOf({ env: {}, file })).toEqual([`${file}:1:1 the file must be a list of settings (name: value), like config/default.yaml`]);
  });

  it('refuses an oversized file without parsing it', () => {
    const file = merchantFile(`# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    expect(problemsOf({ env: {}, file })[0]).toMatch(/a configuration file may be at most 1048576/);
  });

  it('refuses alias bombs', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const problems = problemsOf({ env: {}, file: merchantFile(`${lines.join('\n')}\n`) });
    expect(problems[0]).toMatch(/alias/i);
  });

  it('cannot reach Object.prototype through __proto__ keys', () => {
    const file = merchantFile('__proto__:\n  polluted: yes\nserver:\n  __proto__:\n    polluted: yes\n');
    const problems = problemsOf({ env: { KEFU__SERVER__CONSTRUCTOR: 'x' }, file });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(problems).toContain(`${file}:1:1 __proto__ is not a known setting; known settings here: server, redis, flows, sessions, shops, conversations, nlu, shop, webchat, agentDesk, desk, handoff, orders, afterSale, reminders, logging, insight, admin, commerce, channels`);
    expect(problems).toContain('server.CONSTRUCTOR is not a known setting; known settings here: host, port, bodyLimitBytes (from KEFU__SERVER__CONSTRUCTOR="x")');
  });

  it('refuses a variable name with an empty part', () => {
    expect(problemsOf({ env: { KEFU__SERVER____PORT: '1' } })).toEqual(['KEFU__SERVER____PORT: a setting name is missing between double underscores (write KEFU__SECTION__KEY)']);
  });
});

describe("a shop's file (shops.dir/<id>/kefu.yaml)", () => {
  it('is laid over the deployment\'s file, and the environment still wins', () => {
    const deployment = merchantFile('shops:\n  dir: shops\nwebchat:\n  enabled: false\nsessions:\n  ttlSeconds: 600\n');
    const shop = merchantFile('shop:\n  name: { zh-Hans: 茶铺, zh-Hant: 茶鋪, en: Tea }\nsessions:\n  ttlSeconds: 900\n');
    const { config } = loadConfig({ file: deployment, shopFile: shop, env: { KEFU__SESSIONS__TTLSECONDS: '1200' } });
    expect(config.shop.name.en).toBe('Tea');
    expect(config.webchat.enabled).toBe(false);
    expect(config.sessions.ttlSeconds).toBe(1200);
    expect(config.shops.dir).toBe(join(projectRoot, 'shops'));
  });

  it("names the shop's file in its problems", () => {
    const shop = merchantFile('sessions:\n  ttlSeconds: nope\n');
    expect(problemsOf({ shopFile: shop, env: {} }).join('\n')).toContain(shop);
  });
});
