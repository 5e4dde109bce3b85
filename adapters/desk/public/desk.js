// Kefu's agent desk in the browser: sign in, see the open hand-offs (polled every 2 s, no reload),
// open one, claim it, answer the buyer, keep notes, move it to a queue or hand it to a named
// colleague, give the buyer back to the bot or close.
// Everything from the server is shown as text, never parsed as HTML.
(() => {
  const T = {
    'zh-Hans': {
      title: '客服工作台', name: '账号', password: '密码', signIn: '登录', signOut: '退出', wrong_password: '账号或密码不对。', too_many: '密码错误次数过多，请稍后再试。',
      pick: '从左侧选择一个会话。', waiting: '等待中', withAgent: '接待中', longest: '最长等待', claim: '接待', backToBot: '交还机器人', close: '结束',
      transfer: '转到该队列', unknown_queue: '没有这个队列。', assign: '转给这位同事', unknown_agent: '没有这位同事。', assign_to_self: '请选择一位同事，不是你自己。', assigned_to_other: '这个会话在等 {name} 接待。', status_assigned: '等待 {name} 接待', status_assigned_to_me: '转给你的，等你接待', suggested: '机器人建议的回复', use: '用这条回复', send: '发送给买家', addNote: '添加内部备注', notes: '内部备注', placeholder: '回复买家…', status_waiting: '等待客服接待', status_claimed: '{name} 已接待',
      status_back_to_bot: '已交还机器人', status_closed: '已结束', you: '（你）', channel: '渠道', language: '语言', buyer: '买家', reason: '原因', product: '商品页', order: '订单', tags: '买家标签', faqs: '今日常见问题的回答', mood: '情绪', mood_negative: '不满', mood_neutral: '平静', mood_positive: '满意', orders: '最近订单',
      order_unpaid: '待付款', order_paid: '已付款', order_shipped: '已发货', order_delivered: '已签收', order_cancelled: '已取消', order_refunded: '已退款', order_return_requested: '申请退货', order_returned: '已退货',
      flow: '机器人尝试了', detail: '说明', waited: '等待', min: '{n} 分钟', sec: '{n} 秒', from_buyer: '买家', from_bot: '机器人', from_agent: '客服',
      not_claimed: '请先接待再回复。', already_claimed: '{name} 已经接待了这个会话。', ended: '会话已结束，机器人已接回。', undeliverable: '该买家的渠道无法接收后续消息。',
      retry: '暂时无法完成，请再试一次。', unknown: '找不到这个会话了。', signed_out: '请重新登录。', afterHours: '非工作时间转入', teamChat: '同时在 {desk}', teamChatPending: '等待发到 {desk}',
      languages: { 'zh-Hans': '简体中文', 'zh-Hant': '繁体中文', en: '英语' },
      reasons: { asked_for_human: '买家要求人工', not_understood: '机器人连续两次没听懂', flow: '流程转人工', complaint: '投诉', negative_sentiment: '买家情绪不佳', logistics_exception: '物流异常', slot_retries_exhausted: '买家答不上机器人的问题' },
    },
    'zh-Hant': {
      title: '客服工作台', name: '帳號', password: '密碼', signIn: '登入', signOut: '登出', wrong_password: '帳號或密碼不對。', too_many: '密碼錯誤次數過多，請稍後再試。',
      pick: '從左側選擇一個會話。', waiting: '等待中', withAgent: '接待中', longest: '最長等待', claim: '接待', backToBot: '交還機器人', close: '結束',
      transfer: '轉到該隊列', unknown_queue: '沒有這個隊列。', assign: '轉給這位同事', unknown_agent: '沒有這位同事。', assign_to_self: '請選擇一位同事，不是你自己。', assigned_to_other: '這個會話在等 {name} 接待。', status_assigned: '等待 {name} 接待', status_assigned_to_me: '轉給你的，等你接待', suggested: '機器人建議的回覆', use: '用這條回覆', send: '發送給買家', addNote: '新增內部備註', notes: '內部備註', placeholder: '回覆買家…', status_waiting: '等待客服接待', status_claimed: '{name} 已接待',
      status_back_to_bot: '已交還機器人', status_closed: '已結束', you: '（你）', channel: '渠道', language: '語言', buyer: '買家', reason: '原因', product: '商品頁', order: '訂單', tags: '買家標籤', faqs: '今日常見問題的回答', mood: '情緒', mood_negative: '不滿', mood_neutral: '平靜', mood_positive: '滿意', orders: '最近訂單',
      order_unpaid: '待付款', order_paid: '已付款', order_shipped: '已發貨', order_delivered: '已簽收', order_cancelled: '已取消', order_refunded: '已退款', order_return_requested: '申請退貨', order_returned: '已退貨',
      flow: '機器人嘗試了', detail: '說明', waited: '等待', min: '{n} 分鐘', sec: '{n} 秒', from_buyer: '買家', from_bot: '機器人', from_agent: '客服',
      not_claimed: '請先接待再回覆。', already_claimed: '{name} 已經接待了這個會話。', ended: '會話已結束，機器人已接回。', undeliverable: '該買家的渠道無法接收後續訊息。',
      retry: '暫時無法完成，請再試一次。', unknown: '找不到這個會話了。', signed_out: '請重新登入。', afterHours: '非工作時間轉入', teamChat: '同時在 {desk}', teamChatPending: '等待發到 {desk}',
      languages: { 'zh-Hans': '簡體中文', 'zh-Hant': '繁體中文', en: '英語' },
      reasons: { asked_for_human: '買家要求人工', not_understood: '機器人連續兩次沒聽懂', flow: '流程轉人工', complaint: '投訴', negative_sentiment: '買家情緒不佳', logistics_exception: '物流異常', slot_retries_exhausted: '買家答不上機器人的問題' },
    },
    en: {
      title: 'Agent desk', name: 'Name', password: 'Password', signIn: 'Sign in', signOut: 'Sign out', wrong_password: 'Wrong name or password.', too_many: 'Too many wrong passwords. Try again later.',
      pick: 'Pick a conversation on the left.', waiting: 'waiting', withAgent: 'with an agent', longest: 'longest wait', claim: 'Claim', backToBot: 'Back to bot', close: 'Close',
      transfer: 'Move to this queue', unknown_queue: 'There is no such queue.', assign: 'Hand to this colleague', unknown_agent: 'There is no such colleague.', assign_to_self: 'Pick a colleague, not yourself.', assigned_to_other: 'This conversation waits for {name}.', status_assigned: 'Waiting for {name}', status_assigned_to_me: 'Handed to you: waiting for your claim', suggested: "The bot's suggested reply", use: 'Use this reply', send: 'Send to buyer', addNote: 'Add internal note', notes: 'Internal notes', placeholder: 'Reply to the buyer…', status_waiting: 'Waiting for an agent', status_claimed: 'Claimed by {name}',
      status_back_to_bot: 'Back with the bot', status_closed: 'Closed', you: ' (you)', channel: 'Channel', language: 'Language', buyer: 'Buyer', reason: 'Why', product: 'Product page', order: 'Order', tags: 'Buyer tags', faqs: 'Answers to today\'s most-asked questions', mood: 'Mood', mood_negative: 'unhappy', mood_neutral: 'calm', mood_positive: 'pleased', orders: 'Latest orders',
      order_unpaid: 'unpaid', order_paid: 'paid', order_shipped: 'shipped', order_delivered: 'delivered', order_cancelled: 'cancelled', order_refunded: 'refunded', order_return_requested: 'return requested', order_returned: 'returned',
      flow: 'What the bot tried', detail: 'Detail', waited: 'Waited', min: '{n} min', sec: '{n} s', from_buyer: 'Buyer', from_bot: 'Bot', from_agent: 'Agent',
      not_claimed: 'Claim it first, then reply.', already_claimed: '{name} has already claimed this conversation.', ended: 'This conversation is over; the bot has it again.', undeliverable: "This buyer's channel cannot receive later messages.",
      retry: 'Could not do it now; try again.', unknown: 'This conversation is no longer known.', signed_out: 'Please sign in again.', afterHours: 'Opened outside business hours', teamChat: 'Also in {desk}', teamChatPending: 'Waiting to be posted in {desk}',
      languages: { 'zh-Hans': 'Chinese (Simplified)', 'zh-Hant': 'Chinese (Traditional)', en: 'English' },
      reasons: { asked_for_human: 'Asked for a person', not_understood: 'The bot did not understand two messages in a row', flow: 'A flow step hands off', complaint: 'Complaint', negative_sentiment: 'Unhappy buyer', logistics_exception: 'Logistics exception', slot_retries_exhausted: 'The buyer could not answer a question the bot asked' },
    },
  };
  const $ = (id) => document.getElementById(id);
  const stored = (() => { try { return localStorage.getItem('kefu.desk.lang'); } catch { return null; } })();
  const browser = (navigator.language || 'zh-CN').toLowerCase();
  let lang = T[stored] ? stored : /^zh-(tw|hk|mo|hant)/.test(browser) ? 'zh-Hant' : browser.startsWith('zh') ? 'zh-Hans' : 'en';
  const t = (key, vars = {}) => String(T[lang][key] ?? key).replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '');

  let me = null;
  let csrf = '';
  let selected = null;
  let lastQueue = null;
  let lastCard = null;
  let poll = null;
  let colleaguesList = [];

  function applyLanguage() {
    document.documentElement.lang = lang;
    $('lang').value = lang;
    $('title').textContent = ` · ${t('title')}`;
    document.title = `Kefu · ${t('title')}`;
    for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
    $('reply').placeholder = t('placeholder');
    $('sign-out').textContent = t('signOut');
    if (lastQueue) renderQueue(lastQueue);
    if (lastCard) renderCard(lastCard);
  }

  $('lang').addEventListener('change', () => {
    lang = $('lang').value;
    try { localStorage.setItem('kefu.desk.lang', lang); } catch { /* not kept */ }
    applyLanguage();
  });

  async function api(method, path, body) {
    const headers = { accept: 'application/json' };
    if (method !== 'GET') { headers['content-type'] = 'application/json'; headers['x-kefu-csrf'] = csrf; }
    const response = await fetch(path, { method, headers, credentials: 'same-origin', ...(body ? { body: JSON.stringify(body) } : {}) });
    const data = await response.json().catch(() => ({}));
    if (response.status === 401 && path !== 'desk/api/sign-in') showSignIn(t('signed_out'));
    return { status: response.status, data };
  }

  function duration(seconds) {
    return seconds >= 60 ? t('min', { n: Math.floor(seconds / 60) }) : t('sec', { n: seconds });
  }

  const nameOf = (agent) => (agent && (agent.name || agent.id)) || '';
  const assignedToMe = (h) => Boolean(me && h.assignedTo && h.assignedTo.id === `kefu:${me.id}`);

  function statusText(h) {
    if (h.status === 'waiting' && h.assignedTo) return assignedToMe(h) ? t('status_assigned_to_me') : t('status_assigned', { name: nameOf(h.assignedTo) });
    if (h.status === 'claimed') return t('status_claimed', { name: (h.claimedBy && (h.claimedBy.name || h.claimedBy.id)) || '' }) + (isMine(h) ? t('you') : '');
    return t(`status_${h.status}`);
  }

  const isMine = (h) => Boolean(me && h.claimedBy && h.claimedBy.id === `kefu:${me.id}`);

  function renderQueue(data) {
    lastQueue = data;
    const queues = $('queues');
    queues.replaceChildren(...data.queues.map((q) => {
      const span = document.createElement('span');
      span.className = 'queue';
      span.dataset.queue = q.queue;
      span.textContent = `${q.queue}: ${q.waiting} ${t('waiting')} · ${q.claimed} ${t('withAgent')}${q.waiting ? ` · ${t('longest')} ${duration(q.longestWaitSeconds)}` : ''}`;
      return span;
    }));
    const list = $('list');
    list.replaceChildren(...data.handoffs.map((h) => {
      const li = document.createElement('li');
      li.dataset.handoffId = h.handoffId;
      li.className = `${h.status}${assignedToMe(h) ? ' assigned-to-me' : ''}${h.handoffId === selected ? ' selected' : ''}`;
      const top = document.createElement('div');
      top.textContent = `${h.buyerLabel} · ${(T[lang].reasons[h.reason]) || h.reason}`;
      const meta = document.createElement('div');
      meta.className = 'meta';
      meta.textContent = `${h.queue} · ${h.channel} · ${statusText(h)} · ${t('waited')} ${duration(h.waitSeconds)}`;
      li.append(top, meta);
      li.addEventListener('click', () => { selected = h.handoffId; $('action-error').textContent = ''; refresh(); });
      return li;
    }));
  }

  function fact(dl, label, value) {
    if (value === null || value === undefined || value === '') return;
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  }

  function renderCard(card) {
    lastCard = card;
    $('empty').hidden = true;
    $('detail').hidden = false;
    $('detail').dataset.handoffId = card.handoffId;
    $('card-title').textContent = `${card.buyerLabel} · ${(T[lang].reasons[card.reason]) || card.reason}`;
    const facts = $('facts');
    facts.replaceChildren();
    fact(facts, t('buyer'), card.buyerLabel);
    fact(facts, t('channel'), card.channel);
    fact(facts, t('language'), T[lang].languages[card.language] || card.language);
    fact(facts, t('reason'), (T[lang].reasons[card.reason]) || card.reason);
    fact(facts, t('detail'), card.detail);
    fact(facts, t('flow'), card.flow);
    fact(facts, t('order'), card.orderId);
    fact(facts, t('product'), card.productId);
    fact(facts, t('tags'), (card.buyerTags || []).map((tag) => tag.label[lang] || tag.name).join(' · '));
    if (card.sentiment) fact(facts, t('mood'), `${t('mood_' + card.sentiment.label)} (${card.sentiment.score})`);
    fact(facts, t('orders'), (card.orders || []).map((o) => `${o.id} · ${t('order_' + o.status)} · ${o.total} ${o.currency}`).join('\n'));
    fact(facts, t('waited'), duration(card.waitSeconds));
    if (card.afterHours) fact(facts, '', t('afterHours'));
    if (card.teamChat) fact(facts, '', t(card.teamChat.posted ? 'teamChat' : 'teamChatPending', { desk: card.teamChat.desk }));
    $('status').textContent = statusText(card);
    const open = card.status === 'waiting' || card.status === 'claimed';
    // Handed to a named colleague: only they can claim it here.
    $('claim').hidden = card.status !== 'waiting' || Boolean(card.assignedTo && !assignedToMe(card));
    $('back').hidden = !open;
    // "Back to bot, then…": the flows the shop lets agents start for the buyer (handoff.resumeFlows).
    const flows = (me && me.resumeFlows) || [];
    $('resume-flow').hidden = !open || flows.length === 0;
    if ($('resume-flow').options.length !== flows.length + 1) {
      const none = document.createElement('option');
      none.value = '';
      none.textContent = '—';
      $('resume-flow').replaceChildren(none, ...flows.map((f) => { const o = document.createElement('option'); o.value = f; o.textContent = f; return o; }));
    }
    $('close').hidden = !open;
    // Another queue's agents can take it: allowed while it waits, or for the agent who has it.
    const movable = card.status === 'waiting' || isMine(card);
    $('transfer').hidden = !movable;
    $('transfer-queue').hidden = !movable;
    const queues = (me && me.queues) || [];
    if ($('transfer-queue').options.length !== queues.length) {
      $('transfer-queue').replaceChildren(...queues.map((q) => { const o = document.createElement('option'); o.value = q; o.textContent = q; return o; }));
    }
    // A colleague to hand it to, by name: the same rule as moving it to a queue.
    const colleagues = colleaguesList.filter((a) => !me || a.id !== me.id);
    $('assign').hidden = !movable || colleagues.length === 0;
    $('assign-agent').hidden = $('assign').hidden;
    const shown = Array.from($('assign-agent').options, (o) => o.value).join('\n');
    if (shown !== colleagues.map((a) => a.id).join('\n')) {
      $('assign-agent').replaceChildren(...colleagues.map((a) => { const o = document.createElement('option'); o.value = a.id; o.textContent = a.name; return o; }));
    }
    $('send').disabled = !isMine(card);
    $('note').disabled = !open;
    $('turns').replaceChildren(...card.turns.map((turn) => {
      const li = document.createElement('li');
      li.className = turn.from;
      const who = document.createElement('small');
      who.textContent = `${t(`from_${turn.from}`)} · ${new Date(turn.at).toLocaleTimeString()}`;
      li.append(who, document.createTextNode(turn.text));
      return li;
    }));
    // The bot's own answer to the buyer's last message, and the canned replies: one click puts
    // them in the reply box, to send as they are or edit first. Kept while the same card is shown.
    $('suggestion').hidden = !card.suggestion || !isMine(card);
    $('suggestion-text').textContent = card.suggestion || '';
    // The answers to what buyers asked most today, one click away like the canned replies.
    const faqs = isMine(card) ? card.faqs || [] : [];
    $('faqs-box').hidden = faqs.length === 0;
    $('faqs').replaceChildren(...faqs.map((faq) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.faq = faq.name;
      button.textContent = faq.text.length > 24 ? `${faq.text.slice(0, 24)}…` : faq.text;
      button.title = faq.text;
      button.addEventListener('click', () => { $('reply').value = faq.text; $('reply').focus(); });
      return button;
    }));
    $('canned').replaceChildren(...(isMine(card) ? card.canned : []).map((canned) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.canned = canned.name;
      button.textContent = canned.text.length > 24 ? `${canned.text.slice(0, 24)}…` : canned.text;
      button.title = canned.text;
      button.addEventListener('click', () => { $('reply').value = canned.text; $('reply').focus(); });
      return button;
    }));
    $('notes').replaceChildren(...card.notes.map((note) => {
      const li = document.createElement('li');
      li.textContent = `${note.by.name || note.by.id}: ${note.text}`;
      return li;
    }));
  }

  async function refresh() {
    if (!me) return;
    const queue = await api('GET', 'desk/api/handoffs');
    if (queue.status === 200) renderQueue(queue.data);
    if (selected) {
      // Colleagues who signed in since are listed too.
      const agents = await api('GET', 'desk/api/agents');
      if (agents.status === 200) colleaguesList = agents.data.agents;
      const card = await api('GET', `desk/api/handoffs/${encodeURIComponent(selected)}`);
      if (card.status === 200) renderCard(card.data);
    }
  }

  function explain(result) {
    const code = result.data.status || result.data.code || 'retry';
    if (code === 'assigned_to_other') return t('assigned_to_other', { name: nameOf(result.data.to) });
    if (code === 'already_claimed') return t('already_claimed', { name: (result.data.by && (result.data.by.name || result.data.by.id)) || '' });
    return T[lang][code] ? t(code) : t('retry');
  }

  async function act(path, body) {
    $('action-error').textContent = '';
    const result = await api('POST', `desk/api/handoffs/${encodeURIComponent(selected)}/${path}`, body);
    if (result.status >= 400) $('action-error').textContent = explain(result);
    await refresh();
    return result.status < 400;
  }

  const requestId = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');

  $('use-suggestion').addEventListener('click', () => { $('reply').value = $('suggestion-text').textContent; $('reply').focus(); });
  $('claim').addEventListener('click', () => act('claim', {}));
  $('back').addEventListener('click', () => act('back-to-bot', $('resume-flow').value ? { flow: $('resume-flow').value } : {}));
  $('close').addEventListener('click', () => act('close', {}));
  $('transfer').addEventListener('click', () => act('transfer', { queue: $('transfer-queue').value }));
  $('assign').addEventListener('click', () => act('assign', { agent: $('assign-agent').value }));
  $('reply-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = $('reply').value.trim();
    if (!text) return;
    if (await act('reply', { text, requestId: requestId() })) $('reply').value = '';
  });
  $('note').addEventListener('click', async () => {
    const text = $('reply').value.trim();
    if (!text) return;
    if (await act('note', { text, requestId: requestId() })) $('reply').value = '';
  });

  function showSignIn(message) {
    me = null;
    if (poll) clearInterval(poll);
    poll = null;
    $('desk').hidden = true;
    $('sign-out').hidden = true;
    $('who').textContent = '';
    $('sign-in').hidden = false;
    $('sign-in-error').textContent = message || '';
  }

  function showDesk(who) {
    me = { ...who.agent, queues: who.queues || [], resumeFlows: who.resumeFlows || [] };
    csrf = who.csrf;
    $('sign-in').hidden = true;
    $('desk').hidden = false;
    $('sign-out').hidden = false;
    $('who').textContent = me.name;
    refresh();
    poll = setInterval(refresh, 2000);
  }

  $('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const result = await api('POST', 'desk/api/sign-in', { agent: $('agent').value, password: $('password').value });
    $('password').value = '';
    if (result.status === 200) showDesk(result.data);
    else $('sign-in-error').textContent = t(result.data.code === 'too_many' ? 'too_many' : result.data.code === 'wrong_password' ? 'wrong_password' : 'retry');
  });

  $('sign-out').addEventListener('click', async () => {
    await api('POST', 'desk/api/sign-out', {});
    showSignIn('');
  });

  applyLanguage();
  api('GET', 'desk/api/me').then((who) => { if (who.status === 200) showDesk(who.data); else showSignIn(''); });
})();
