// The sentiment hand-off as an agent sees it: a furious buyer's conversation reaches the agent
// desk with reason negative_sentiment and the score; a shop that sets the threshold to null keeps
// such buyers with the bot (and still counts how they feel).

import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

let server: RunningServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('negative sentiment hand-off', () => {
  it('hands a furious buyer to a person, mid-flow too, with the score for the agent', async () => {
    server = await startTestKefu();
    await postMessage(server.url, { conversationId: 'angry', text: '我穿多大码' });
    const answer = await postMessage(server.url, { conversationId: 'angry', text: '黑色M码还有货吗?气死我了,太失望了,垃圾' });
    // An apology first, then the hand-off notice.
    expect(answer.body.replies[0].text).toMatch(/抱歉/);
    expect(answer.body.replies[1].text).toMatch(/人工/);
    const handoff = server.kefu.agentQueue.waiting().at(-1)!.request;
    expect(handoff).toMatchObject({ reason: 'negative_sentiment', flow: 'size_advice', language: 'zh-Hans' });
    expect(handoff.detail).toMatch(/^sentiment score -\d/);
    expect(handoff.lastTurns.map((t) => t.text)).toContain('黑色M码还有货吗?气死我了,太失望了,垃圾');
  });

  it('keeps the buyer with the bot when the shop turns the hand-off off, and still counts the mood', async () => {
    server = await startTestKefu({ env: { KEFU__INSIGHT__SENTIMENT__HANDOFFATORBELOW: 'null' } });
    const answer = await postMessage(server.url, { conversationId: 'angry', text: 'what size should I get?? this is awful, terrible, worst shop ever' });
    expect(answer.status).toBe(200);
    expect(server.kefu.agentQueue.waiting()).toHaveLength(0);
    await server.kefu.insight.recorder.flush();
    const metrics = await server.kefu.insight.metrics.metrics();
    expect(metrics).toMatch(/kefu_buyer_sentiment_total\{label="negative"\} 1/);
  });

  it('refuses a positive threshold in the configuration', async () => {
    await expect(startTestKefu({ env: { KEFU__INSIGHT__SENTIMENT__HANDOFFATORBELOW: '3' } })).rejects.toThrow(/handoffAtOrBelow/);
  });
});
