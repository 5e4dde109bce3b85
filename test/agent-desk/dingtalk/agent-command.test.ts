// How agents' messages in the group are read: the hand-off code, the three commands in three
// languages, replies.

import { describe, expect, it } from 'vitest';
import { parseAgentText } from '../../../adapters/agent-desk/dingtalk/agent-command.ts';

describe('agent messages in the DingTalk group', () => {
  it('reads the hand-off code however it is typed', () => {
    for (const text of [' #A7 hello', '#a7 hello', '＃A7 hello', '# A7: hello', '#A7，hello', '\u3000#A7 hello']) {
      expect(parseAgentText(text), text).toEqual({ code: 'A7', command: { kind: 'reply', text: 'hello' } });
    }
    expect(parseAgentText('#K123 ok').code).toBe('K123');
    expect(parseAgentText('#A7x hello')).toEqual({ code: null, command: { kind: 'reply', text: '#A7x hello' } });
    expect(parseAgentText('#A12345 hi').code).toBeNull();
    expect(parseAgentText('hello there')).toEqual({ code: null, command: { kind: 'reply', text: 'hello there' } });
  });

  it('reads claim, back and close in English, Simplified and Traditional Chinese', () => {
    const cases: [string, string][] = [
      ['#A7 claim', 'claim'], ['#A7 认领', 'claim'], ['#A7 認領', 'claim'], ['#A7 Claim.', 'claim'],
      ['#A7 back', 'back'], ['#A7 转回机器人', 'back'], ['#A7 轉回機器人', 'back'],
      ['#A7 close', 'close'], ['#A7 关闭', 'close'], ['#A7 關閉', 'close'], ['#A7 结束！', 'close'],
    ];
    for (const [text, kind] of cases) expect(parseAgentText(text), text).toEqual({ code: 'A7', command: { kind } });
    // A sentence that merely contains the word is a reply.
    expect(parseAgentText('#A7 please close the window').command).toEqual({ kind: 'reply', text: 'please close the window' });
  });

  it('reads "back <flow>" as back to the bot, then that flow', () => {
    const flows = ['track_order', 'return_refund'];
    expect(parseAgentText('#A7 back track_order', flows)).toEqual({ code: 'A7', command: { kind: 'back', resumeFlow: 'track_order' } });
    expect(parseAgentText('#A7 转回机器人 return_refund', flows)).toEqual({ code: 'A7', command: { kind: 'back', resumeFlow: 'return_refund' } });
    // Not one of the shop's resume flows: a message to the buyer, never an accidental hand-back.
    expect(parseAgentText('#A7 back soon', flows).command).toEqual({ kind: 'reply', text: 'back soon' });
    expect(parseAgentText('#A7 back track_order').command.kind).toBe('reply');
    expect(parseAgentText('#A7 come back', flows).command.kind).toBe('reply');
  });

  it('passes notes on as they are written, for the core to recognise its note marker', () => {
    expect(parseAgentText('#A7 // ask Wang').command).toEqual({ kind: 'reply', text: '// ask Wang' });
  });

  it('treats an empty message as empty', () => {
    expect(parseAgentText('  ')).toEqual({ code: null, command: { kind: 'empty' } });
    expect(parseAgentText('#A7')).toEqual({ code: 'A7', command: { kind: 'empty' } });
  });
});
