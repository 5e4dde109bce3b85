// Everything Kefu itself writes to agents in a team chat (Slack, DingTalk): card labels, buttons,
// status lines, and the answers to agents' commands, in the language the shop picks for its agents
// (agentDesk.language). One table per language with {name} placeholders, like the /desk page's own
// table (adapters/desk/public/desk.js), so a translator sees every text of a language in one place.
// What buyers wrote, and what reaches the buyer, is never translated here.
// The hand-off core decides by status codes; its English `notice` and `text` are for logs and
// desks without a table. The English texts below say the same as the core's, so an English desk
// reads exactly as before.

import { REASON_LABELS } from '../../dialogs/handoff/handoff-record.ts';
import type { AgentEventResult } from '../../dialogs/handoff/agent-events.ts';
import type { HandoffCard, HandoffStatus, StatusUpdate } from '../../dialogs/handoff/handoff-desk.ts';
import type { HandoffReason, Language, Turn } from '../../dialogs/messages.ts';

/** The language agents read in the team chat: any language buyers may write in. */
export type AgentLanguage = Language;

const en = {
  // The card, both desks.
  cardTitle: 'Hand-off: {reason}',
  buyer: 'Buyer',
  channel: 'Channel',
  language: 'Language',
  queue: 'Queue',
  order: 'Order',
  product: 'Product',
  flow: 'Flow',
  buyerTags: 'Buyer tags',
  why: 'Why',
  lastMessages: 'Last messages',
  speakers: { buyer: 'Buyer', bot: 'Bot', agent: 'Agent' } as Record<Turn['from'], string>,
  languages: { 'zh-Hans': 'Chinese (Simplified)', 'zh-Hant': 'Chinese (Traditional)', en: 'English' } as Record<Language, string>,
  reasons: REASON_LABELS as Record<HandoffReason, string>,
  // Slack's card: status, buttons, the Close confirmation.
  statusWaiting: 'Waiting for an agent',
  statusWaitingFor: 'Waiting for {name}',
  statusAfterHours: 'Waiting — opened outside business hours',
  statusClaimed: 'Claimed by {name}',
  statusBackToBot: 'Back with the bot ({name})',
  statusBackToBotByBuyer: 'Back with the bot (the buyer chose)',
  statusClosed: 'Closed by {name}',
  opened: 'opened {time}',
  claim: 'Claim',
  backToBot: 'Back to bot',
  backToBotThen: 'Back to bot, then…',
  close: 'Close',
  closeConfirmTitle: 'Close this hand-off?',
  closeConfirmText: 'The buyer is thanked and the bot answers them again.',
  cancel: 'Cancel',
  fallback: 'Hand-off: {reason} — {buyer} ({channel})',
  // Slack's thread lines for the changes its agents make.
  slackClaimed: '{name} claimed this. Replies in this thread now reach the buyer; start a message with `{marker}` to keep it an internal note.',
  slackBackToBot: '{name} gave the conversation back to the bot.',
  slackClosed: '{name} closed this hand-off. The bot has the conversation again.',
  slackBuyerBackToBot: 'The buyer went back to the bot. Replies here no longer reach them.',
  // Status lines (the same sentences as the core's StatusUpdate.text).
  lineClaimed: 'Claimed by {name}. Replies in this thread now reach the buyer.',
  lineBackToBot: '{name} gave the conversation back to the bot.',
  lineBackToBotFlow: '{name} gave the conversation back to the bot (flow {flow}).',
  lineClosed: 'Closed by {name}. The bot has the conversation again.',
  lineBuyerBackToBot: 'The buyer went back to the bot.',
  lineWaitNotice: 'Nobody has claimed this yet; the buyer was told to expect a wait of about {minutes} minutes and may leave a message.',
  lineTransferred: '{name} moved this to the {queue} queue; it waits for a claim there.',
  lineAssigned: '{name} handed this to {to}; it waits for them to claim it.',
  lineNote: 'Note from {name} (not sent to the buyer): {text}',
  // Why an agent's action did nothing (the core's refusals).
  notClaimed: 'Not sent: press Claim first, then reply (start a message with {marker} to keep it as an internal note).',
  ended: 'Not sent: this hand-off is over, the bot has the conversation again.',
  unknownThread: 'Not sent: Kefu does not know this thread (it may be too old).',
  undeliverable: 'Not sent: the buyer\'s channel ({channel}) cannot receive messages later.',
  alreadyClaimed: '{name} has already claimed this conversation.',
  assignedToOther: 'This conversation waits for {name}.',
  unknownQueue: 'Not moved: there is no queue "{queue}".',
  assignToSelf: 'Not handed over: pick a colleague, not yourself.',
  // DingTalk's card: one markdown message, status words in its title and lines, link buttons.
  dtTitle: 'Hand-off #{code}: {reason}',
  dtHeading: 'Hand-off #{code} · {status}',
  dtStatus: { waiting: 'waiting for an agent', claimed: 'claimed', back_to_bot: 'back with the bot', closed: 'closed' } as Record<HandoffStatus, string>,
  dtAbout: 'About',
  dtAboutOrder: 'order {id}',
  dtAboutProduct: 'product {id}',
  dtAboutFlow: 'flow {id}',
  dtOutsideHours: 'Outside business hours',
  dtOutsideHoursText: 'the buyer was told the hours.',
  dtCommands: '@ the robot with — claim: `{at} claim` · reply: `{at} your answer` · note (not sent): `{at} {marker} text` · back to bot: `{at} back` · close: `{at} close`',
  dtResume: 'Back to bot, then a flow: `{at} back <flow>` with one of {flows}',
  dtButtonClaim: 'Claim 认领',
  dtButtonBack: 'Back to bot 转回机器人',
  dtButtonClose: 'Close 关闭',
  /** Who pressed a card button: a link cannot say. */
  dtCardButtonAgent: 'an agent (card button)',
  // DingTalk's answers to agents' messages to the robot.
  dtNotAGroup: 'This chat is not a hand-off group of Kefu. Its openConversationId is `{id}`: put it under agentDesk.dingtalk (openConversationId or queues) to receive hand-offs here.',
  dtMembersOnly: 'Hand-offs take commands only from members of the shop\'s DingTalk organisation, in the hand-off group.',
  dtTextOnly: 'Only text messages reach the buyer; send pictures and files from the buyer\'s channel.',
  dtWhichOfMine: 'You have {count} hand-offs ({codes}): start your message with one of their codes, e.g. `#{first} your answer`.',
  dtWhich: 'Which hand-off? Start your message with the code on its card, e.g. `#A7 your answer` or `#A7 claim`.',
  dtNoSuchCode: 'There is no hand-off #{code} (it may be too old).',
  dtOtherGroup: '#{code} belongs to another group; answer it there.',
  dtEmpty: 'Write `#{code} claim`, `#{code} your answer`, `#{code} back` or `#{code} close`.',
  // DingTalk's card-button pages.
  dtPageHeading: 'Hand-off #{code}',
  dtDoneClaimed: 'Claimed. Replies to this hand-off in the group now reach the buyer.',
  dtDoneBack: 'The buyer is back with the bot.',
  dtDoneClosed: 'Closed. The bot has the conversation again.',
  dtDoneAlready: 'Already done.',
  dtDone: 'Done.',
  dtTryAgain: 'Kefu could not do that just now; press the button again.',
};

export type AgentTexts = typeof en;

const zhHans: AgentTexts = {
  cardTitle: '转人工：{reason}',
  buyer: '买家',
  channel: '渠道',
  language: '语言',
  queue: '队列',
  order: '订单',
  product: '商品',
  flow: '流程',
  buyerTags: '买家标签',
  why: '原因',
  lastMessages: '最近的消息',
  speakers: { buyer: '买家', bot: '机器人', agent: '客服' },
  languages: { 'zh-Hans': '简体中文', 'zh-Hant': '繁体中文', en: '英语' },
  reasons: {
    asked_for_human: '买家要求人工',
    not_understood: '机器人连续两次没听懂',
    flow: '流程转人工',
    complaint: '投诉',
    negative_sentiment: '买家情绪不佳',
    logistics_exception: '物流异常',
    slot_retries_exhausted: '买家答不上机器人的问题',
  },
  statusWaiting: '等待客服认领',
  statusWaitingFor: '等待 {name} 认领',
  statusAfterHours: '等待中（非工作时间转入）',
  statusClaimed: '{name} 已认领',
  statusBackToBot: '已转回机器人（{name}）',
  statusBackToBotByBuyer: '已转回机器人（买家自己选择）',
  statusClosed: '{name} 已关闭',
  opened: '{time} 转入',
  claim: '认领',
  backToBot: '转回机器人',
  backToBotThen: '转回机器人，并开始…',
  close: '关闭',
  closeConfirmTitle: '关闭这个转人工会话？',
  closeConfirmText: '买家会收到感谢，之后由机器人继续回答。',
  cancel: '取消',
  fallback: '转人工：{reason} — {buyer}（{channel}）',
  slackClaimed: '{name} 已认领。此后在本线程的回复会发给买家；以 `{marker}` 开头的消息是内部备注，不发给买家。',
  slackBackToBot: '{name} 已把会话转回机器人。',
  slackClosed: '{name} 已关闭这个转人工会话，机器人接回了会话。',
  slackBuyerBackToBot: '买家已回到机器人。此后这里的回复不再发给买家。',
  lineClaimed: '{name} 已认领。此后的回复会发给买家。',
  lineBackToBot: '{name} 已把会话转回机器人。',
  lineBackToBotFlow: '{name} 已把会话转回机器人（流程 {flow}）。',
  lineClosed: '{name} 已关闭，机器人接回了会话。',
  lineBuyerBackToBot: '买家已回到机器人。',
  lineWaitNotice: '还没有人认领；已告诉买家大约要等 {minutes} 分钟，并可以留言。',
  lineTransferred: '{name} 已把会话转到 {queue} 队列，等待那里的客服认领。',
  lineAssigned: '{name} 已把会话转给 {to}，等待 {to} 认领。',
  lineNote: '{name} 的备注（不发给买家）：{text}',
  notClaimed: '未发送：请先认领再回复（以 {marker} 开头的消息是内部备注）。',
  ended: '未发送：这个转人工会话已结束，机器人已接回。',
  unknownThread: '未发送：Kefu 不认识这个会话（可能太久了）。',
  undeliverable: '未发送：买家的渠道（{channel}）无法接收后续消息。',
  alreadyClaimed: '{name} 已经认领了这个会话。',
  assignedToOther: '这个会话在等 {name} 认领。',
  unknownQueue: '未转移：没有“{queue}”这个队列。',
  assignToSelf: '未转交：请选择一位同事，不是你自己。',
  dtTitle: '转人工 #{code}：{reason}',
  dtHeading: '转人工 #{code} · {status}',
  dtStatus: { waiting: '等待客服认领', claimed: '已认领', back_to_bot: '已转回机器人', closed: '已关闭' },
  dtAbout: '相关',
  dtAboutOrder: '订单 {id}',
  dtAboutProduct: '商品 {id}',
  dtAboutFlow: '流程 {id}',
  dtOutsideHours: '非工作时间',
  dtOutsideHoursText: '已告诉买家工作时间。',
  dtCommands: '@机器人并写 —— 认领：`{at} 认领` · 回复：`{at} 你的回复` · 内部备注（不发给买家）：`{at} {marker} 内容` · 转回机器人：`{at} 转回机器人` · 关闭：`{at} 关闭`',
  dtResume: '转回机器人并开始流程：`{at} 转回机器人 <流程>`，可选：{flows}',
  dtButtonClaim: '认领',
  dtButtonBack: '转回机器人',
  dtButtonClose: '关闭',
  dtCardButtonAgent: '一位客服（卡片按钮）',
  dtNotAGroup: '这个聊天不是 Kefu 的转人工群。它的 openConversationId 是 `{id}`：填到 agentDesk.dingtalk（openConversationId 或 queues）下，这里就会收到转人工。',
  dtMembersOnly: '转人工只接受本店钉钉组织成员在转人工群里的指令。',
  dtTextOnly: '只有文字消息能发给买家；图片和文件请从买家的渠道发送。',
  dtWhichOfMine: '你有 {count} 个转人工会话（{codes}）：消息请以其中一个编号开头，例如 `#{first} 你的回复`。',
  dtWhich: '哪一个转人工会话？消息请以卡片上的编号开头，例如 `#A7 你的回复` 或 `#A7 认领`。',
  dtNoSuchCode: '没有转人工会话 #{code}（可能太久了）。',
  dtOtherGroup: '#{code} 属于另一个群，请在那里回复。',
  dtEmpty: '请写 `#{code} 认领`、`#{code} 你的回复`、`#{code} 转回机器人` 或 `#{code} 关闭`。',
  dtPageHeading: '转人工 #{code}',
  dtDoneClaimed: '已认领。此后在群里对这个转人工会话的回复会发给买家。',
  dtDoneBack: '买家已回到机器人。',
  dtDoneClosed: '已关闭，机器人接回了会话。',
  dtDoneAlready: '已经做过了。',
  dtDone: '完成。',
  dtTryAgain: 'Kefu 暂时无法完成，请再按一次按钮。',
};

const zhHant: AgentTexts = {
  cardTitle: '轉人工：{reason}',
  buyer: '買家',
  channel: '渠道',
  language: '語言',
  queue: '隊列',
  order: '訂單',
  product: '商品',
  flow: '流程',
  buyerTags: '買家標籤',
  why: '原因',
  lastMessages: '最近的訊息',
  speakers: { buyer: '買家', bot: '機器人', agent: '客服' },
  languages: { 'zh-Hans': '簡體中文', 'zh-Hant': '繁體中文', en: '英語' },
  reasons: {
    asked_for_human: '買家要求人工',
    not_understood: '機器人連續兩次沒聽懂',
    flow: '流程轉人工',
    complaint: '投訴',
    negative_sentiment: '買家情緒不佳',
    logistics_exception: '物流異常',
    slot_retries_exhausted: '買家答不上機器人的問題',
  },
  statusWaiting: '等待客服認領',
  statusWaitingFor: '等待 {name} 認領',
  statusAfterHours: '等待中（非工作時間轉入）',
  statusClaimed: '{name} 已認領',
  statusBackToBot: '已轉回機器人（{name}）',
  statusBackToBotByBuyer: '已轉回機器人（買家自己選擇）',
  statusClosed: '{name} 已關閉',
  opened: '{time} 轉入',
  claim: '認領',
  backToBot: '轉回機器人',
  backToBotThen: '轉回機器人，並開始…',
  close: '關閉',
  closeConfirmTitle: '關閉這個轉人工會話？',
  closeConfirmText: '買家會收到感謝，之後由機器人繼續回答。',
  cancel: '取消',
  fallback: '轉人工：{reason} — {buyer}（{channel}）',
  slackClaimed: '{name} 已認領。此後在本討論串的回覆會發給買家；以 `{marker}` 開頭的訊息是內部備註，不發給買家。',
  slackBackToBot: '{name} 已把會話轉回機器人。',
  slackClosed: '{name} 已關閉這個轉人工會話，機器人接回了會話。',
  slackBuyerBackToBot: '買家已回到機器人。此後這裡的回覆不再發給買家。',
  lineClaimed: '{name} 已認領。此後的回覆會發給買家。',
  lineBackToBot: '{name} 已把會話轉回機器人。',
  lineBackToBotFlow: '{name} 已把會話轉回機器人（流程 {flow}）。',
  lineClosed: '{name} 已關閉，機器人接回了會話。',
  lineBuyerBackToBot: '買家已回到機器人。',
  lineWaitNotice: '還沒有人認領；已告訴買家大約要等 {minutes} 分鐘，並可以留言。',
  lineTransferred: '{name} 已把會話轉到 {queue} 隊列，等待那裡的客服認領。',
  lineAssigned: '{name} 已把會話轉給 {to}，等待 {to} 認領。',
  lineNote: '{name} 的備註（不發給買家）：{text}',
  notClaimed: '未發送：請先認領再回覆（以 {marker} 開頭的訊息是內部備註）。',
  ended: '未發送：這個轉人工會話已結束，機器人已接回。',
  unknownThread: '未發送：Kefu 不認識這個會話（可能太久了）。',
  undeliverable: '未發送：買家的渠道（{channel}）無法接收後續訊息。',
  alreadyClaimed: '{name} 已經認領了這個會話。',
  assignedToOther: '這個會話在等 {name} 認領。',
  unknownQueue: '未轉移：沒有「{queue}」這個隊列。',
  assignToSelf: '未轉交：請選擇一位同事，不是你自己。',
  dtTitle: '轉人工 #{code}：{reason}',
  dtHeading: '轉人工 #{code} · {status}',
  dtStatus: { waiting: '等待客服認領', claimed: '已認領', back_to_bot: '已轉回機器人', closed: '已關閉' },
  dtAbout: '相關',
  dtAboutOrder: '訂單 {id}',
  dtAboutProduct: '商品 {id}',
  dtAboutFlow: '流程 {id}',
  dtOutsideHours: '非工作時間',
  dtOutsideHoursText: '已告訴買家工作時間。',
  dtCommands: '@機器人並寫 —— 認領：`{at} 認領` · 回覆：`{at} 你的回覆` · 內部備註（不發給買家）：`{at} {marker} 內容` · 轉回機器人：`{at} 轉回機器人` · 關閉：`{at} 關閉`',
  dtResume: '轉回機器人並開始流程：`{at} 轉回機器人 <流程>`，可選：{flows}',
  dtButtonClaim: '認領',
  dtButtonBack: '轉回機器人',
  dtButtonClose: '關閉',
  dtCardButtonAgent: '一位客服（卡片按鈕）',
  dtNotAGroup: '這個聊天不是 Kefu 的轉人工群。它的 openConversationId 是 `{id}`：填到 agentDesk.dingtalk（openConversationId 或 queues）下，這裡就會收到轉人工。',
  dtMembersOnly: '轉人工只接受本店釘釘組織成員在轉人工群裡的指令。',
  dtTextOnly: '只有文字訊息能發給買家；圖片和檔案請從買家的渠道發送。',
  dtWhichOfMine: '你有 {count} 個轉人工會話（{codes}）：訊息請以其中一個編號開頭，例如 `#{first} 你的回覆`。',
  dtWhich: '哪一個轉人工會話？訊息請以卡片上的編號開頭，例如 `#A7 你的回覆` 或 `#A7 認領`。',
  dtNoSuchCode: '沒有轉人工會話 #{code}（可能太久了）。',
  dtOtherGroup: '#{code} 屬於另一個群，請在那裡回覆。',
  dtEmpty: '請寫 `#{code} 認領`、`#{code} 你的回覆`、`#{code} 轉回機器人` 或 `#{code} 關閉`。',
  dtPageHeading: '轉人工 #{code}',
  dtDoneClaimed: '已認領。此後在群裡對這個轉人工會話的回覆會發給買家。',
  dtDoneBack: '買家已回到機器人。',
  dtDoneClosed: '已關閉，機器人接回了會話。',
  dtDoneAlready: '已經做過了。',
  dtDone: '完成。',
  dtTryAgain: 'Kefu 暫時無法完成，請再按一次按鈕。',
};

const TEXTS: Record<AgentLanguage, AgentTexts> = { en, 'zh-Hans': zhHans, 'zh-Hant': zhHant };

/** The texts of one language; an unknown language (a hand-written config) reads English. */
export function agentTexts(language: AgentLanguage | undefined): AgentTexts {
  return TEXTS[language ?? 'en'] ?? en;
}

/** A template with its {placeholders} filled; values are inserted as given (callers escape them). */
export function fill(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in vars ? String(vars[key]) : whole));
}

/** The card's reason in the agents' language (a reason the table lacks keeps the core's label). */
export function reasonText(texts: AgentTexts, card: Pick<HandoffCard, 'reason' | 'reasonLabel'>): string {
  return texts.reasons[card.reason] ?? card.reasonLabel;
}

/**
 * Why an agent's action did nothing, in the agents' language, or null when it did something.
 * `name` formats an agent for the desk (a Slack mention, a DingTalk nick).
 */
export function refusalText(texts: AgentTexts, result: AgentEventResult, context: { noteMarker: string; name: (agent: { id: string; name?: string }) => string }): string | null {
  switch (result.status) {
    case 'not_claimed':
      return fill(texts.notClaimed, { marker: context.noteMarker });
    case 'ended':
      return texts.ended;
    case 'unknown_thread':
      return texts.unknownThread;
    case 'undeliverable':
      return result.channel ? fill(texts.undeliverable, { channel: result.channel }) : result.notice;
    case 'already_claimed':
      return fill(texts.alreadyClaimed, { name: context.name(result.by) });
    case 'assigned_to_other':
      return fill(texts.assignedToOther, { name: context.name(result.to) });
    case 'unknown_queue':
      return result.queue ? fill(texts.unknownQueue, { queue: result.queue }) : result.notice;
    case 'assign_to_self':
      return texts.assignToSelf;
    default:
      return null;
  }
}

/**
 * A status line's sentence in the agents' language (the core's `update.text`, translated).
 * `name` formats an agent; `value` formats anything else put into the sentence (escaping).
 */
export function statusSentence(texts: AgentTexts, update: StatusUpdate, name: (agent: { id: string; name?: string }) => string, value: (text: string) => string = (t) => t): string {
  const by = update.by ? name(update.by) : '';
  const details = update.details ?? {};
  switch (update.change) {
    case 'claimed':
      return fill(texts.lineClaimed, { name: by });
    case 'back_to_bot':
      return details.resumeFlow ? fill(texts.lineBackToBotFlow, { name: by, flow: value(details.resumeFlow) }) : fill(texts.lineBackToBot, { name: by });
    case 'closed':
      return fill(texts.lineClosed, { name: by });
    case 'buyer_back_to_bot':
      return texts.lineBuyerBackToBot;
    case 'wait_notice_sent':
      return details.waitMinutes !== undefined ? fill(texts.lineWaitNotice, { minutes: details.waitMinutes }) : value(update.text);
    case 'transferred':
      return fill(texts.lineTransferred, { name: by, queue: value(update.card.queue) });
    case 'assigned':
      return update.card.assignedTo ? fill(texts.lineAssigned, { name: by, to: name(update.card.assignedTo) }) : value(update.text);
    case 'note_added':
      return details.note !== undefined ? fill(texts.lineNote, { name: by, text: value(details.note) }) : value(update.text);
    default:
      return value(update.text);
  }
}
