import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskLogLine } from '../../adapters/logging/create-logger.ts';

/** A logger writing into an array, one parsed JSON object per line. */
function capturedLogger(level = 'debug', secretPaths: string[] = []) {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ level, secretPaths, destination });
  const lines = (): Record<string, unknown>[] => raw.join('').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, raw };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level, time and message', () => {
    const { logger, lines } = capturedLogger();
    logger.info({ orderId: 'A1001' }, 'order looked up');
    const [line] = lines();
    expect(line).toMatchObject({ level: 30, orderId: 'A1001', msg: 'order looked up' });
    expect(typeof line!.time).toBe('string');
  });

  it('masks a phone number in the message and in nested fields', () => {
    const { logger, lines, raw } = capturedLogger();
    logger.info(
      { buyer: { contact: { phone: '+86 138 0013 8000', email: 'zhang@example.com' }, address: '浙江省杭州市余杭区文一西路969号' } },
      'buyer 13800138000 asked to change the address',
    );
    expect(raw.join('')).not.toContain('0013');
    expect(lines()[0]).toMatchObject({
      msg: 'buyer 138****8000 asked to change the address',
      buyer: { contact: { phone: '+86 138 **** 8000', email: 'z***@example.com' }, address: '浙江省杭州市余杭区****' },
    });
  });

  it('masks ID numbers, bank cards, phones with any separators and full-width e-mails at every level', () => {
    const { logger, raw } = capturedLogger('trace');
    const said = '身份证11010519491231002X 卡号6222 0212 3456 7890 128 电话138.1234.5678 邮箱ｚｈａｎｇ＠ｑｑ．ｃｏｍ';
    const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
    for (const level of levels) logger[level]({ text: said, turn: { text: said } }, `buyer said ${said}`);
    const written = raw.join('');
    expect(written.trimEnd().split('\n')).toHaveLength(levels.length);
    for (const secret of ['19491231', '0212 3456', '1234.5678', 'ｈａｎｇ＠']) expect(written).not.toContain(secret);
    expect(written).toContain('110***********002X');
    expect(written).toContain('138.****.5678');
  });

  it('masks personal data in interpolated values, child bindings and errors', () => {
    const { logger, lines, raw } = capturedLogger();
    logger.child({ buyerPhone: '13900139000' }).warn('relayed to %s', '13700137000');
    logger.error(new Error('courier could not reach 13800138000'));
    logger.info({ phoneAsNumber: 13600136000 }, 'typed as a number');
    expect(raw.join('')).not.toMatch(/13900139000|13700137000|13800138000|13600136000/);
    const [child, error, numeric] = lines();
    expect(child).toMatchObject({ buyerPhone: '139****9000', msg: 'relayed to 137****7000' });
    expect(error).toMatchObject({ msg: 'courier could not reach 138****8000', err: { type: 'Error', message: 'courier could not reach 138****8000' } });
    expect(numeric).toMatchObject({ phoneAsNumber: '136****6000' });
  });

  it('redacts secret paths, on their own and inside a logged configuration', () => {
    const { logger, lines, raw } = capturedLogger('info', ['agentDesk.slack.botToken', 'shop.name.zh-Hans']);
    logger.info({ agentDesk: { slack: { botToken: 'xoxb-secret-1', channel: 'C1' } } }, 'desk');
    logger.info({ config: { agentDesk: { slack: { botToken: 'xoxb-secret-2' } }, shop: { name: { 'zh-Hans': 'hidden' } } } }, 'configuration');
    expect(raw.join('')).not.toMatch(/xoxb-secret|hidden/);
    const [desk, configuration] = lines();
    expect(desk).toMatchObject({ agentDesk: { slack: { botToken: '[secret]', channel: 'C1' } } });
    expect(configuration).toMatchObject({ config: { agentDesk: { slack: { botToken: '[secret]' } }, shop: { name: { 'zh-Hans': '[secret]' } } } });
  });

  it('redacts authorization and cookie headers always', () => {
    const { logger, lines } = capturedLogger();
    logger.info({ req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1', accept: '*/*' } } }, 'request');
    expect(lines()[0]).toMatchObject({ req: { headers: { authorization: '[secret]', cookie: '[secret]', accept: '*/*' } } });
  });

  it('leaves out levels below the configured one', () => {
    const { logger, raw } = capturedLogger('warn');
    logger.info('not written');
    logger.warn('written');
    expect(raw).toHaveLength(1);
  });

  it('rejects an unknown level', () => {
    expect(() => createLogger({ level: 'loud' })).toThrow(/loud/);
  });
});

describe('odd values never break a log call', () => {
  it('writes circular objects, Buffers, huge arrays and deep nesting in bounded form', () => {
    const { logger, lines } = capturedLogger();
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 50; i++) {
      deep.next = {};
      deep = deep.next as Record<string, unknown>;
    }
    logger.info(
      {
        circular,
        body: Buffer.alloc(1_000_000),
        items: Array.from({ length: 100_000 }, (_, i) => i),
        tags: new Set(['a', 'b']),
        byPhone: new Map([['13800138000', 'vip']]),
        root,
      },
      'odd values',
    );
    const [line] = lines();
    expect(line).toMatchObject({ circular: { name: 'loop', self: '[Circular]' }, body: '[Buffer of 1000000 bytes]', tags: ['a', 'b'], byPhone: { '138****8000': 'vip' } });
    const items = line!.items as unknown[];
    expect(items).toHaveLength(101);
    expect(items[100]).toBe('[99900 more items]');
    expect(JSON.stringify(line!.root)).toContain('[nested too deep to log]');
  });

  it('logs a failure note instead of throwing when a value cannot be read', () => {
    const { logger, lines } = capturedLogger();
    const hostile = {
      get explodes(): string {
        throw new Error('getter failed');
      },
    };
    // A class instance is left to pino's own serialisation, which calls the throwing getter.
    class Sensor {
      constructor() {
        Object.defineProperty(this, 'reading', { enumerable: true, get: () => { throw new Error('sensor offline'); } });
      }
    }
    expect(() => logger.info(hostile, 'getter')).not.toThrow();
    expect(() => logger.info(new Sensor(), 'instance')).not.toThrow();
    const [getter, instance] = lines();
    expect(getter).toMatchObject({ explodes: '[unreadable: getter failed]', msg: 'getter' });
    expect(instance).toMatchObject({ logFailure: 'sensor offline', msg: 'a log call failed: its values could not be written' });
  });

  it('cuts very long strings, even of many megabytes with escapes in them', () => {
    const { logger, lines } = capturedLogger();
    logger.info({ body: `"${'x'.repeat(12_000_000)}"` }, 'long');
    const body = lines()[0]!.body as string;
    expect(body.length).toBeLessThan(40_000);
    expect(body.endsWith('more characters]')).toBe(true);
  });
});

describe('maskLogLine', () => {
  it('masks strings and keeps numbers and escapes exactly as written', () => {
    const line = '{"level":30,"n":12345678901234567890,"s":"q\\"uote 13800138000","k":"plain"}\n';
    expect(maskLogLine(line)).toBe('{"level":30,"n":12345678901234567890,"s":"q\\"uote 138****8000","k":"plain"}\n');
  });

  it('returns a line without personal data unchanged', () => {
    const line = '{"level":30,"time":"2024-05-01T10:00:00.000Z","msg":"flows reloaded","files":12}\n';
    expect(maskLogLine(line)).toBe(line);
  });
});
