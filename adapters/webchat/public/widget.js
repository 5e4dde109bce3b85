// Kefu's embeddable chat widget. One tag on any page of the shop:
//
//   <script src="https://kefu.shop.example/webchat/widget.js" async
//           data-page="product" data-product-id="tee-classic" data-lang="zh-Hant"></script>
//
// puts a chat bubble in the corner; a click opens Kefu's chat page in a frame, with the page's
// context (page kind, product id, order id) so the bot knows what the buyer is looking at, and
// the page's language (data-lang, else the page's <html lang>, else the browser's).
// A signed-in buyer: the shop defines `window.kefuIdentity`, an async function that returns a
// fresh identity token (docs/webchat-identity.md). The chat frame asks this page for it through
// postMessage; the answer goes only to Kefu's own origin, and only to the frame this widget made.
// Nothing here reads or writes the shop page's cookies or storage.
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.__kefuWidget) return;
  window.__kefuWidget = true;
  var origin = new URL(script.src, location.href).origin;
  var data = script.dataset;
  var ID = /^[A-Za-z0-9_.:@-]{1,128}$/;
  var PAGE = /^[a-z_]{1,20}$/;

  var WORDS = {
    'zh-Hans': { open: '在线客服', close: '关闭客服窗口' },
    'zh-Hant': { open: '線上客服', close: '關閉客服視窗' },
    en: { open: 'Chat with us', close: 'Close the chat' },
  };
  function languageOf(tag) {
    var lower = String(tag || '').toLowerCase();
    if (/^zh-(tw|hk|mo|hant)/.test(lower)) return 'zh-Hant';
    if (lower === 'zh' || lower.indexOf('zh-') === 0) return 'zh-Hans';
    return lower ? 'en' : null;
  }
  var lang = languageOf(data.lang) || languageOf(document.documentElement.lang) || languageOf(navigator.language) || 'zh-Hans';
  var words = WORDS[lang];

  var query = new URLSearchParams({ lang: lang, embedded: '1' });
  if (data.page && PAGE.test(data.page)) query.set('page', data.page);
  if (data.productId && ID.test(data.productId)) query.set('productId', data.productId);
  if (data.orderId && ID.test(data.orderId)) query.set('orderId', data.orderId);
  var brand = /^#[0-9a-fA-F]{3,8}$/.test(data.color || '') ? data.color : '#ff5000';

  var host = document.createElement('div');
  host.id = 'kefu-widget';
  // A shadow root keeps the shop's styles off the widget and the widget's off the shop.
  var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
  var style = document.createElement('style');
  style.textContent =
    ':host{all:initial}' +
    '.bubble{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:24px;padding:12px 18px;' +
    'background:' + brand + ';color:#fff;font:600 15px/1.2 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;' +
    'box-shadow:0 4px 16px rgba(0,0,0,.2);cursor:pointer}' +
    '.panel{position:fixed;right:20px;bottom:80px;z-index:2147483000;width:380px;height:600px;max-width:calc(100vw - 40px);' +
    'max-height:calc(100vh - 100px);border:0;border-radius:12px;box-shadow:0 8px 32px rgba(0,0,0,.25);background:#fff}' +
    '.panel[hidden]{display:none}';
  var bubble = document.createElement('button');
  bubble.type = 'button';
  bubble.className = 'bubble';
  bubble.textContent = words.open;
  bubble.setAttribute('aria-expanded', 'false');
  var frame = null;

  function openChat() {
    if (!frame) {
      frame = document.createElement('iframe');
      frame.className = 'panel';
      frame.title = words.open;
      frame.src = origin + '/?' + query.toString();
      frame.setAttribute('allow', 'clipboard-write');
      root.appendChild(frame);
    }
    frame.hidden = false;
    bubble.textContent = words.close;
    bubble.setAttribute('aria-expanded', 'true');
  }
  function closeChat() {
    if (frame) frame.hidden = true;
    bubble.textContent = words.open;
    bubble.setAttribute('aria-expanded', 'false');
  }
  bubble.addEventListener('click', function () {
    if (frame && !frame.hidden) closeChat();
    else openChat();
  });

  // The chat frame asks for the buyer's identity token; only our own frame, from Kefu's origin, is answered.
  window.addEventListener('message', function (event) {
    if (!frame || event.source !== frame.contentWindow || event.origin !== origin) return;
    var message = event.data;
    if (!message || message.kefu !== 'identity-request' || typeof message.id !== 'string') return;
    var ask = typeof window.kefuIdentity === 'function' ? Promise.resolve().then(window.kefuIdentity) : Promise.resolve(null);
    ask.then(
      function (token) { return typeof token === 'string' && token ? token : null; },
      function () { return null; },
    ).then(function (token) {
      frame.contentWindow.postMessage({ kefu: 'identity', id: message.id, token: token }, origin);
    });
  });

  root.appendChild(style);
  root.appendChild(bubble);
  (document.body || document.documentElement).appendChild(host);
  window.kefuWidget = { open: openChat, close: closeChat };
})();
