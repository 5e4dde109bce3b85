// The dashboard's script: no framework, no build. Live numbers come over Server-Sent Events
// (/admin/api/stream); the chart is uPlot. Every text from the server goes in with textContent,
// never as HTML. window.kefuAdmin exposes the chart and the last overview for tests.
/* global uPlot */
(function () {
  'use strict';
  const state = { chart: null, overview: null, updates: 0, intents: [] };
  window.kefuAdmin = state;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === 'class') node.className = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  }

  const percent = (value) => (value === null || value === undefined ? '—' : `${Math.round(value * 1000) / 10}%`);

  function drawChart(series) {
    const data = [series.minutes, series.turns, series.notUnderstood, series.handoffs, series.negative];
    if (!state.chart) {
      const target = document.getElementById('live-chart');
      state.chart = new uPlot(
        {
          width: Math.max(320, target.clientWidth || 800),
          height: 260,
          series: [
            {},
            { label: 'messages', stroke: '#2563eb', width: 2 },
            { label: 'not understood', stroke: '#f59e0b', width: 2 },
            { label: 'handed off', stroke: '#dc2626', width: 2 },
            { label: 'unhappy', stroke: '#7c3aed', width: 2 },
          ],
          axes: [{}, { label: 'per minute' }],
        },
        data,
        target,
      );
    } else {
      state.chart.setData(data);
    }
  }

  function drawResults(results) {
    const cards = [
      ['Settled by the bot', percent(results.resolutionRate), `${results.resolved} of ${results.conversations} conversations`],
      ['Handed off', percent(results.handoffRate), `${results.handedOff} conversations`],
      ['Abandoned', results.abandoned, 'buyer left mid-way'],
      ['Pre-sale conversations', results.presaleConversations, `${results.presaleResolvedByBot} settled by the bot`],
      ['Orders influenced', results.ordersInfluenced, `of ${results.orders} orders`],
      ['Reminder recovery', results.reminders ? percent(results.reminders.recoveryRate) : 'not connected',
        results.reminders ? `${results.reminders.paidWithin24h} paid of ${results.reminders.sent} reminded` : ''],
      ['Agent-equivalents', results.agentEquivalents, `at ${results.agentDailyCapacity} conversations per agent per day (${results.agentRateMeasured ? 'measured' : 'configured'})`],
    ];
    document.getElementById('result-cards').replaceChildren(
      ...cards.map(([title, value, note]) => el('div', { class: 'card' }, title, el('b', {}, value), el('small', {}, note))),
    );
    const reasons = Object.entries(results.handoffRateByReason);
    document.getElementById('handoff-reasons').replaceChildren(
      reasons.length ? el('table', {}, ...reasons.map(([reason, rate]) => el('tr', {}, el('td', {}, reason), el('td', {}, percent(rate))))) : el('p', {}, 'No hand-offs yet.'),
    );
  }

  function topicTable(title, rows) {
    return el('div', {},
      el('h3', {}, title),
      rows.length
        ? el('table', {}, el('tr', {}, el('th', {}, 'topic'), el('th', {}, 'count'), el('th', {}, 'rise')),
          ...rows.map((row) => el('tr', {}, el('td', {}, row.name, row.isNew ? el('span', { class: 'new' }, ' new') : ''), el('td', {}, row.count), el('td', { class: 'rise' }, row.rise > 0 ? `+${row.rise}` : row.rise))))
        : el('p', {}, 'Nothing yet.'));
  }

  function drawTopics(hot) {
    const names = { '5m': 'last 5 minutes', '1h': 'last hour', '1d': 'last day' };
    document.getElementById('hot-topics').replaceChildren(
      ...hot.map((period) => el('div', { class: 'period', 'data-period': period.period },
        el('h3', {}, names[period.period]),
        topicTable('Intents', period.intents),
        topicTable('Rising phrases', period.risingPhrases),
        topicTable('Top phrases', period.topPhrases))),
    );
  }

  function apply(overview) {
    state.overview = overview;
    state.updates += 1;
    drawChart(overview.series);
    drawResults(overview.results);
    drawTopics(overview.hotTopics);
    document.getElementById('status').textContent = `live · ${new Date(overview.at).toLocaleTimeString()}`;
  }

  function connect() {
    const source = new EventSource('admin/api/stream');
    source.addEventListener('overview', (event) => apply(JSON.parse(event.data)));
    source.addEventListener('problem', () => (document.getElementById('status').textContent = 'numbers unavailable, retrying…'));
    source.onerror = () => (document.getElementById('status').textContent = 'reconnecting…');
  }

  async function loadClusters() {
    const response = await fetch('admin/api/trainer/clusters');
    const box = document.getElementById('clusters');
    if (!response.ok) return box.replaceChildren(el('p', { class: 'problems' }, 'The trainer is not available.'));
    const { clusters, intents } = await response.json();
    state.intents = intents;
    if (clusters.length === 0) return box.replaceChildren(el('p', {}, 'Nothing to teach: the bot understood everything lately.'));
    box.replaceChildren(...clusters.map(clusterView));
  }

  function clusterView(cluster) {
    const result = el('div', {});
    const checks = cluster.examples.map((text) => el('input', { type: 'checkbox', value: text, checked: '' }));
    const select = el('select', { name: 'intent' }, el('option', { value: '' }, '— choose an intent —'), el('option', { value: '__new' }, 'a new intent…'),
      ...state.intents.map((intent) => el('option', { value: intent.name }, `${intent.label.en} (${intent.name})`)));
    const fields = ['name', 'zh-Hans', 'zh-Hant', 'en'].map((key) => el('input', { placeholder: key === 'name' ? 'new_intent_name' : `label (${key})`, 'data-key': key }));
    const newBox = el('div', { hidden: '' }, ...fields);
    select.addEventListener('change', () => (newBox.hidden = select.value !== '__new'));
    const teach = async () => {
      const body = { clusterId: cluster.id, examples: checks.filter((c) => c.checked).map((c) => c.value) };
      if (select.value === '__new') {
        const value = (key) => fields.find((f) => f.dataset.key === key).value.trim();
        body.newIntent = { name: value('name'), label: { 'zh-Hans': value('zh-Hans'), 'zh-Hant': value('zh-Hant'), en: value('en') } };
      } else body.intent = select.value;
      const response = await fetch('admin/api/trainer/teach', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const answer = await response.json();
      if (response.ok) {
        // Taught messages the reloaded bot still misses, each with why (dialogs/insight/explain-miss.ts).
        const missed = (answer.stillMissed || []).map((m) => el('p', { class: 'problems' }, `Still not recognised: "${m.example}" (answered as ${m.recognisedAs ?? 'not understood'}): ${m.reason}`));
        result.replaceChildren(el('p', { class: 'ok' }, `Taught to ${answer.intent} in ${answer.file}.`), ...missed);
        // The list refreshes by itself only when there is nothing left to read here.
        if (missed.length === 0) setTimeout(loadClusters, 1500);
      } else {
        result.replaceChildren(el('p', { class: 'problems' }, [answer.error, ...(answer.problems || [])].join('\n')));
      }
    };
    return el('div', { class: 'cluster', 'data-cluster': cluster.id },
      el('strong', {}, `${cluster.size} message(s)`),
      ...cluster.examples.map((text, i) => el('label', {}, checks[i], ` ${text}`)),
      select, newBox, el('button', { type: 'button', onclick: teach }, 'Teach'), result);
  }

  async function loadFlows() {
    const response = await fetch('admin/api/flows');
    if (!response.ok) return;
    const { flows } = await response.json();
    document.getElementById('flow-diagrams').replaceChildren(
      ...flows.map((name) => el('figure', {}, el('figcaption', {}, name), el('img', { src: `admin/api/flows/${encodeURIComponent(name)}.svg`, alt: `flow ${name}` }))),
    );
  }

  // Marketplace tokens change slowly (renewed every few hours at most): a minute's refresh is enough.
  const VERDICTS = { ok: 'OK', ending: 'authorisation ends soon', failing: 'renewal failing', expired: 'expired' };
  const inTime = (seconds) => {
    if (seconds === undefined) return '—';
    const past = seconds < 0;
    const left = Math.abs(seconds);
    const text = left >= 86400 ? `${Math.floor(left / 86400)} d ${Math.floor((left % 86400) / 3600)} h` : left >= 3600 ? `${Math.floor(left / 3600)} h ${Math.floor((left % 3600) / 60)} min` : `${Math.floor(left / 60)} min`;
    return past ? `${text} ago` : `in ${text}`;
  };
  const when = (at) => (at === undefined ? '—' : new Date(at).toLocaleString());

  async function loadChannelTokens() {
    const box = document.getElementById('channel-tokens');
    const response = await fetch('admin/api/channels');
    if (!response.ok) return;
    const { channels } = await response.json();
    state.channels = channels;
    if (channels.length === 0) return box.replaceChildren(el('p', {}, 'No marketplace channel is on.'));
    box.replaceChildren(el('table', {},
      el('tr', {}, ...['channel', 'status', 'access token ends', 'authorisation ends', 'last renewed', 'failed renewals', 'last failure'].map((h) => el('th', {}, h))),
      ...channels.map((c) => el('tr', { 'data-channel': c.channel },
        el('td', {}, c.channel),
        el('td', { class: `verdict-${c.verdict}` }, VERDICTS[c.verdict] || c.verdict),
        el('td', {}, inTime(c.accessExpiresInSeconds)),
        el('td', {}, inTime(c.authorizationEndsInSeconds)),
        el('td', {}, c.renewedAt ? when(c.renewedAt) : 'not yet (configured token)'),
        el('td', {}, c.refreshFailures),
        el('td', {}, c.lastFailure ? `${when(c.lastFailureAt)}: ${c.lastFailure}` : '—')))));
  }

  const seconds = (value) => (value === null ? '—' : value >= 60 ? `${Math.floor(value / 60)} min ${Math.round(value % 60)} s` : `${Math.round(value)} s`);

  async function loadAgents() {
    const response = await fetch('admin/api/agents');
    if (!response.ok) return;
    const figures = await response.json();
    const box = document.getElementById('agent-figures');
    const summary = el('p', {}, `Longest wait in the queue now: ${seconds(figures.longestWaitSeconds)}. ` +
      (figures.measuredDailyRate === null ? 'Too few hand-offs yet to measure a handling rate.' : `Measured rate: ${figures.measuredDailyRate} hand-offs per agent per day.`));
    if (figures.agents.length === 0) return box.replaceChildren(summary, el('p', {}, 'No agent has handled a hand-off in the last 24 hours.'));
    box.replaceChildren(summary, el('table', {},
      el('tr', {}, ...['agent', 'handled', 'first reply after', 'hand-off took'].map((h) => el('th', {}, h))),
      ...figures.agents.map((a) => el('tr', {}, el('td', {}, a.name), el('td', {}, a.handled), el('td', {}, seconds(a.firstReplySeconds)), el('td', {}, seconds(a.handledSeconds))))));
  }

  async function loadBuyerTags() {
    const response = await fetch('admin/api/buyer-tags');
    if (!response.ok) return;
    const { tags } = await response.json();
    const box = document.getElementById('buyer-tag-counts');
    if (tags.length === 0) return box.replaceChildren(el('p', {}, 'No buyer_tags rules in the flows.'));
    box.replaceChildren(el('table', {},
      el('tr', {}, ...['tag', 'buyers tagged, 24 h', '7 days'].map((h) => el('th', {}, h))),
      ...tags.map((t) => el('tr', {}, el('td', {}, `${t.label.en} (${t.name})`), el('td', {}, t.taggedLast24h), el('td', {}, t.taggedLast7d)))));
  }

  document.getElementById('reload-clusters').addEventListener('click', loadClusters);
  connect();
  loadClusters();
  loadFlows();
  loadChannelTokens();
  loadAgents();
  loadBuyerTags();
  setInterval(() => {
    loadChannelTokens();
    loadAgents();
    loadBuyerTags();
  }, 60_000);
})();
