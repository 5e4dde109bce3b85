// A platform refuses a text longer than its limit (TikTok Shop's TEXT message: 2,000 characters), and
// a refused reply would be dead-lettered. So a longer text is split before sending, into messages
// that each fit: at a blank line if there is one in the second half of the allowance, else at a line
// break, else after a sentence end (。！？.!?), else at a space, else hard at the limit. The numbered
// options are the text's last lines, so they stay together in the last message whenever they fit.
// Characters are counted as code points (an emoji or a rare CJK character is one, not two).

export function splitForLimit(text: string, limit: number): string[] {
  const chars = Array.from(text);
  if (chars.length <= limit) return [text];
  const parts: string[] = [];
  let rest = chars;
  while (rest.length > limit) {
    const window = rest.slice(0, limit).join('');
    const cut = breakPoint(window, Math.floor(limit / 2));
    const head = Array.from(window.slice(0, cut));
    parts.push(head.join('').trimEnd());
    rest = Array.from(rest.slice(head.length).join('').replace(/^\s+/, ''));
  }
  if (rest.length > 0) parts.push(rest.join(''));
  return parts.filter((part) => part.length > 0);
}

/** Where to cut `window` (a UTF-16 index), preferring the latest natural break after `from` characters. */
function breakPoint(window: string, from: number): number {
  const minIndex = Array.from(window).slice(0, from).join('').length;
  for (const pattern of [/\n\s*\n/g, /\n/g, /[。！？!?.](?=\s|$)|[。！？]/g, /\s/g]) {
    let best = -1;
    for (const match of window.matchAll(pattern)) {
      const end = match.index + match[0].length;
      if (end >= minIndex) best = end;
    }
    if (best > 0) return best;
  }
  return window.length;
}
