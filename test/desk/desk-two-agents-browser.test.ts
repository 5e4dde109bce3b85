// Issue 14's "a buyer page and two agent browsers, claim race, reply, note, transfer, back to bot",
// in Chromium, the way a shop runs it: two Kefu processes (`node server.ts`) on one Redis, two
// agents listed under desk.agents in the shop's configuration file (KEFU_CONFIG), 王芳 at the
// desk of one process and Li Na at the desk of the other, and a buyer on a product page of the
// first. Both agents press Claim at once: one has it, the other's page says who; later it moves to
// another queue, and is handed to a named colleague. Which of the two wins is up to the race, so
// the test names them `winner` and `loser` once it is decided.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../adapters/desk/agent-accounts.ts';
import { launchBrowser } from '../support/browser.ts';
import { deleteKeysByPrefix, sharedRedisUrl, uniquePrefix } from '../support/redis-server.ts';
import { spawnKefu, type SpawnedKefu } from '../support/spawn-kefu.ts';

const WAIT_MS = 15_000;
const PASSWORD = 'two-agents-desk-1';
const prefix = uniquePrefix('desk-two-agents');
let configDir: string;
let one: SpawnedKefu;
let two: SpawnedKefu;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  const hash = await hashPassword(PASSWORD);
  configDir = mkdtempSync(join(tmpdir(), 'kefu-desk-two-agents-'));
  const file = join(configDir, 'kefu.yaml');
  writeFileSync(file, [
    'desk:',
    '  agents:',
    `    - { id: wangfang, name: "王芳", passwordHash: "${hash}" }`,
    `    - { id: lina, name: "Li Na", passwordHash: "${hash}" }`,
    '',
  ].join('\n'));
  // No wait notice: it would be a bubble of its own on a slow machine, nothing to do with the agents.
  const env = { KEFU_CONFIG: file, KEFU__HANDOFF__UNCLAIMEDNOTICESECONDS: '0' };
  [one, two, browser] = await Promise.all([
    spawnKefu({ redisUrl: sharedRedisUrl, keyPrefix: prefix, env }),
    spawnKefu({ redisUrl: sharedRedisUrl, keyPrefix: prefix, env }),
    launchBrowser(),
  ]);
}, 90_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await Promise.all([one?.stop(), two?.stop()]);
  const redis = new Redis(sharedRedisUrl, { lazyConnect: true });
  await redis.connect();
  await deleteKeysByPrefix(redis, prefix);
  await redis.quit();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

async function open(url: string, locale: string): Promise<Page> {
  const context = await browser.newContext({ locale });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

interface Agent {
  page: Page;
  id: string;
  name: string;
}

async function signIn(server: SpawnedKefu, id: string, name: string): Promise<Agent> {
  const page = await open(`${server.url}/desk`, 'zh-CN');
  await page.locator('#agent').fill(id);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#sign-in-form button[type=submit]').click();
  await page.locator('#who').filter({ hasText: name }).waitFor({ timeout: WAIT_MS });
  return { page, id, name };
}

/**
 * The buyer types and presses Enter, as on a phone; resolves with what the server answered that
 * message at once: the bot's replies, or none when the message was held for the agents.
 */
async function say(buyer: Page, text: string): Promise<string[]> {
  const answered = buyer.waitForResponse(
    (r) => r.url().endsWith('/webchat/messages') && r.status() === 200 && (r.request().postDataJSON() as { text?: string }).text === text,
    { timeout: WAIT_MS },
  );
  await buyer.locator('#text').fill(text);
  await buyer.locator('#text').press('Enter');
  const replies = ((await (await answered).json()) as { replies: { text: string }[] }).replies.map((r) => r.text);
  await buyer.locator('.bubble.me').filter({ hasText: text }).last().waitFor({ timeout: WAIT_MS });
  return replies;
}

const status = (agent: Agent, text: string) => agent.page.locator('#status').filter({ hasText: text }).waitFor({ timeout: WAIT_MS });
const fromAgent = (buyer: Page, text: string) => buyer.locator('.bubble.agent').filter({ hasText: text });

describe('two agents and a buyer in Chromium, on two Kefu processes sharing Redis', () => {
  it('claim race, reply, internal note, transfer to a queue and to a named colleague, back to bot', async () => {
    // Both agents are at their desks before the buyer asks, each on a process of their own.
    const wang = await signIn(one, 'wangfang', '王芳');
    const li = await signIn(two, 'lina', 'Li Na');

    const buyer = await open(`${one.url}/?productId=tee-classic`, 'zh-CN');
    await buyer.evaluate(() => (window as unknown as { kefu: { ready: Promise<unknown> } }).kefu.ready);
    expect((await say(buyer, '人工')).join('')).toContain('转接人工客服');
    await buyer.locator('.bubble.bot').filter({ hasText: '转接人工客服' }).waitFor({ timeout: WAIT_MS });

    // Both see the hand-off (live, no reload) and open it.
    for (const agent of [wang, li]) {
      const item = agent.page.locator('#list li[data-handoff-id]');
      await item.first().waitFor({ timeout: WAIT_MS });
      expect(await item.count()).toBe(1);
      await item.first().click();
      await status(agent, '等待客服接待');
      await agent.page.locator('#claim').waitFor({ state: 'visible', timeout: WAIT_MS });
    }

    // 1. The claim race: both press Claim at the same moment (a click event each, fired together, so
    // neither page's poll can hide the button first). Both requests reach the servers; one wins.
    const claimAnswer = (agent: Agent) => agent.page.waitForResponse((r) => r.url().endsWith('/claim') && r.request().method() === 'POST', { timeout: WAIT_MS });
    const answers = Promise.all([claimAnswer(wang), claimAnswer(li)]);
    await Promise.all([wang.page.locator('#claim').dispatchEvent('click'), li.page.locator('#claim').dispatchEvent('click')]);
    const [wangAnswer, liAnswer] = await answers;
    expect([wangAnswer.status(), liAnswer.status()].sort()).toEqual([200, 409]);
    const [winner, loser] = wangAnswer.status() === 200 ? [wang, li] : [li, wang];
    const lostAnswer = (await (loser === wang ? wangAnswer : liAnswer).json()) as { status: string; by: { name: string } };
    expect(lostAnswer).toMatchObject({ status: 'already_claimed', by: { name: winner.name } });

    // The winner has it; the loser's page says who took it and offers no way to answer.
    await status(winner, `${winner.name} 已接待（你）`);
    await loser.page.locator('#action-error').filter({ hasText: `${winner.name} 已经接待了这个会话` }).waitFor({ timeout: WAIT_MS });
    await status(loser, `${winner.name} 已接待`);
    expect(await loser.page.locator('#status').textContent()).not.toContain('（你）');
    expect(await loser.page.locator('#claim').isHidden()).toBe(true);
    expect(await loser.page.locator('#send').isDisabled()).toBe(true);
    expect(await winner.page.locator('#send').isDisabled()).toBe(false);

    // 2. The winner replies; the buyer sees it, and answers the way buyers do.
    await winner.page.locator('#reply').fill(`亲，我是${winner.name}，这款T恤您想要什么颜色和尺码？`);
    await winner.page.locator('#send').click();
    await fromAgent(buyer, `我是${winner.name}`).waitFor({ timeout: WAIT_MS });
    // Told once that a person joined: a single claim, not two.
    expect(await fromAgent(buyer, '人工客服已接入').count()).toBe(1);
    // The buyer's words go to the agent, not to the bot: the bot answers nothing.
    expect(await say(buyer, '黑色M 有吗')).toEqual([]);
    await winner.page.locator('#turns li.buyer').filter({ hasText: '黑色M 有吗' }).waitFor({ timeout: WAIT_MS });

    // 3. An internal note: the other agent sees it on the card, the buyer never does.
    const note = '老客户，黑色M缺货，可以送张优惠券';
    await winner.page.locator('#reply').fill(note);
    await winner.page.locator('#note').click();
    await winner.page.locator('#notes li').filter({ hasText: note }).waitFor({ timeout: WAIT_MS });
    await loser.page.locator('#notes li').filter({ hasText: `${winner.name}: ${note}` }).waitFor({ timeout: WAIT_MS });
    expect(await loser.page.locator('#turns').textContent()).not.toContain(note);
    await winner.page.locator('#reply').fill('黑色M码暂时没货了，蓝色M有现货，要不要看看？');
    await winner.page.locator('#send').click();
    // Pushes reach the page in order: once this reply is shown, a leaked note would be too.
    await fromAgent(buyer, '蓝色M有现货').waitFor({ timeout: WAIT_MS });
    expect(await buyer.locator('body').textContent()).not.toContain('优惠券');

    // 4. The winner moves it to the after-sale queue, letting go; the other agent claims and answers.
    await winner.page.locator('#transfer-queue').selectOption('aftersale');
    await winner.page.locator('#transfer').click();
    await status(winner, '等待客服接待');
    await loser.page.locator('#list li[data-handoff-id]').filter({ hasText: 'aftersale' }).waitFor({ timeout: WAIT_MS });
    await status(loser, '等待客服接待');
    await loser.page.locator('#claim').click();
    await status(loser, `${loser.name} 已接待（你）`);
    await status(winner, `${loser.name} 已接待`);
    expect(await winner.page.locator('#send').isDisabled()).toBe(true);
    await loser.page.locator('#reply').fill(`您好，我是${loser.name}，接着为您服务，蓝色M今天下单今天发`);
    await loser.page.locator('#send').click();
    await fromAgent(buyer, `我是${loser.name}`).waitFor({ timeout: WAIT_MS });
    expect(await say(buyer, '行 那我拍蓝色')).toEqual([]);
    await loser.page.locator('#turns li.buyer').filter({ hasText: '行 那我拍蓝色' }).waitFor({ timeout: WAIT_MS });

    // 5. The owner hands it to a named colleague: it waits for them, the owner's page says for whom
    // (and offers no Claim), the named colleague's says it is theirs to claim; they claim and answer.
    await loser.page.locator('#assign-agent').selectOption(winner.id);
    await loser.page.locator('#assign').click();
    await status(loser, `等待 ${winner.name} 接待`);
    expect(await loser.page.locator('#claim').isHidden()).toBe(true);
    expect(await loser.page.locator('#send').isDisabled()).toBe(true);
    await winner.page.locator('#list li.assigned-to-me').waitFor({ timeout: WAIT_MS });
    await status(winner, '转给你的，等你接待');
    await winner.page.locator('#claim').click();
    await status(winner, `${winner.name} 已接待（你）`);
    await status(loser, `${winner.name} 已接待`);
    await winner.page.locator('#reply').fill(`我是${winner.name}，蓝色M已经给您留好了`);
    await winner.page.locator('#send').click();
    await fromAgent(buyer, '蓝色M已经给您留好了').waitFor({ timeout: WAIT_MS });

    // 6. The owner hands the buyer back to the bot; the buyer's next question is the bot's again.
    await winner.page.locator('#back').click();
    await status(winner, '已交还机器人');
    await fromAgent(buyer, '小蜜继续为您服务').waitFor({ timeout: WAIT_MS });
    expect((await say(buyer, '175 140斤穿多大')).join('')).toContain('根据尺寸,您适合L号');
    await buyer.locator('.bubble.bot').filter({ hasText: '根据尺寸,您适合L号' }).waitFor({ timeout: WAIT_MS });
    expect((await say(buyer, '还有别的颜色吗')).join('')).toContain('目前有货的是:蓝色、白色');
    await buyer.locator('.bubble.bot').filter({ hasText: '目前有货的是:蓝色、白色' }).waitFor({ timeout: WAIT_MS });
    // Nothing waits for an agent: the hand-off has left both desks' lists.
    for (const agent of [wang, li]) await agent.page.locator('#list li[data-handoff-id]').waitFor({ state: 'detached', timeout: WAIT_MS });

    // And the note never reached the buyer, start to end.
    expect(await buyer.locator('body').textContent()).not.toContain(note);
  }, 120_000);
});
