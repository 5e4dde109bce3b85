// Turns a buyer's message into the phrase counted for hot topics.
// Kefu counts whole messages, normalised, rather than n-grams: buyers' messages are short
// ("还有货吗", "when do you ship"), a whole message reads naturally on a dashboard, and n-grams
// would show fragments ("有货吗", "么时") and count one question several times over.
// Normalising makes variants meet: Traditional → Simplified (both scripts count as one phrase),
// full-width → half-width and lower case (NFKC), punctuation and emoji dropped, trailing modal
// particles dropped (呀/啊/呢/吧/哦/啦, "please"), numbers of 5+ digits (order and phone numbers,
// also written with spaces or dashes) replaced by "#" and e-mail addresses by "@", so no personal
// number or address reaches the dashboard or the trainer's list.

import { toSimplified } from '../language/chinese-script.ts';

export const MAX_PHRASE_LENGTH = 40;
const TRAILING_PARTICLES = /(?:[呀啊呢吧哦啦嘛哈]+|\s+please|\s+pls|\s+thanks|\s+thank you)$/u;
const NOT_WORD = /[^\p{L}\p{N}#@\s]+/gu;

export function normalisePhrase(text: string): string | null {
  let phrase = toSimplified(text.normalize('NFKC')).toLowerCase();
  phrase = phrase.replace(/[^\s@]+@[^\s@]+/g, ' @ ');
  // Phone numbers in spaced groups ("138 1234 5678"), then any 5+ digits, also with - or . between.
  phrase = phrase.replace(/(?<!\d)\d{2,4}(?: \d{3,4}){2,}(?!\d)/g, '#');
  phrase = phrase.replace(/\d(?:[-–.]?\d){4,}/g, '#');
  phrase = phrase.replace(NOT_WORD, ' ').replace(/\s+/g, ' ').trim();
  // Chinese needs no spaces between words; buyers' stray spaces must not split a phrase.
  phrase = phrase.replace(/(?<=\p{Script=Han}) (?=\p{Script=Han})/gu, '');
  for (let i = 0; i < 3 && TRAILING_PARTICLES.test(phrase); i++) phrase = phrase.replace(TRAILING_PARTICLES, '').trim();
  if (!/[\p{L}]/u.test(phrase)) return null;
  return [...phrase].slice(0, MAX_PHRASE_LENGTH).join('');
}
