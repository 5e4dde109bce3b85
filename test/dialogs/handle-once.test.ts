// One mechanism handles every delivery once (buyers' messages, agents' events, order events):
// these are its rules, tried against the real delivery ledger under unlucky timing.

import { describe, expect, it } from 'vitest';
import { MemoryDeliveryLedger } from '../../adapters/stores/memory/memory-delivery-ledger.ts';
import { DeliveryInProgressError, handleOnce, type HandleOnceOptions } from '../../dialogs/handle-once.ts';
import type { DeliveryLedger, Logger } from '../../dialogs/ports.ts';

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, error() {}, warn: (_obj, msg) => void warnings.push(msg ?? '') };
}

function options(ledger: DeliveryLedger = new MemoryDeliveryLedger(), logger: Logger = recordingLogger()): HandleOnceOptions<string[]> {
  return { ledger, logger, claimSeconds: 30, keepSeconds: 3600, what: 'message' };
}

describe('handleOnce', () => {
  it('runs the work once and answers a repeat with the first result', async () => {
    const once = options();
    let runs = 0;
    const work = async () => [`run ${++runs}`];
    expect(await handleOnce(once, 'webchat:m1', 'm1', work)).toEqual({ result: ['run 1'], duplicate: false });
    expect(await handleOnce(once, 'webchat:m1', 'm1', work)).toEqual({ result: ['run 1'], duplicate: true });
    expect(runs).toBe(1);
  });

  it('tells a repeat that arrives while the first is running to come back later', async () => {
    const once = options();
    let finish!: () => void;
    const first = handleOnce(once, 'k', 'evt-9', () => new Promise<string[]>((resolve) => (finish = () => resolve(['done']))));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const repeat = handleOnce(once, 'k', 'evt-9', async () => ['never']);
    await expect(repeat).rejects.toBeInstanceOf(DeliveryInProgressError);
    await expect(repeat).rejects.toThrow('evt-9');
    finish();
    expect((await first).result).toEqual(['done']);
  });

  it('gives the claim back when the work fails, so the sender\'s retry runs it', async () => {
    const once = options();
    await expect(handleOnce(once, 'k', 'id', () => Promise.reject(new Error('desk down')))).rejects.toThrow('desk down');
    expect(await handleOnce(once, 'k', 'id', async () => ['second try'])).toEqual({ result: ['second try'], duplicate: false });
  });

  it('still reports the work\'s failure when the claim cannot be given back, and logs it', async () => {
    const memory = new MemoryDeliveryLedger();
    const brokenRelease: DeliveryLedger = {
      claim: (key, seconds) => memory.claim(key, seconds),
      complete: (key, result, seconds) => memory.complete(key, result, seconds),
      release: () => Promise.reject(new Error('redis gone')),
    };
    const logger = recordingLogger();
    await expect(handleOnce(options(brokenRelease, logger), 'k', 'id', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(logger.warnings).toEqual(['could not release message claim; it lapses by itself']);
  });

  it('reports a ledger that cannot record the result as a failure, and gives the claim back', async () => {
    const memory = new MemoryDeliveryLedger();
    let failComplete = true;
    const flaky: DeliveryLedger = {
      claim: (key, seconds) => memory.claim(key, seconds),
      complete: (key, result, seconds) => (failComplete ? Promise.reject(new Error('write failed')) : memory.complete(key, result, seconds)),
      release: (key) => memory.release(key),
    };
    await expect(handleOnce(options(flaky), 'k', 'id', async () => ['x'])).rejects.toThrow('write failed');
    failComplete = false;
    expect((await handleOnce(options(flaky), 'k', 'id', async () => ['y'])).duplicate).toBe(false);
  });

  it('stores results in the caller\'s own encoding', async () => {
    const ledger = new MemoryDeliveryLedger();
    const once: HandleOnceOptions<'sent' | 'note'> = { ledger, logger: recordingLogger(), claimSeconds: 30, keepSeconds: 60, what: 'agent event', encode: (s) => s, decode: (s) => s as 'sent' };
    await handleOnce(once, 'desk:slack:e1', 'e1', async () => 'sent' as const);
    expect(await ledger.claim('desk:slack:e1', 30)).toEqual({ status: 'done', result: 'sent' });
  });
});
