// One place reads and writes a conversation's session outside the engine: the transcript every
// writer appends to is cut and trimmed the same way, and what cannot be read is set aside.

import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../adapters/stores/memory/memory-session-store.ts';
import { ConversationSessions } from '../../dialogs/conversation-sessions.ts';
import { MAX_TURN_TEXT, newSession } from '../../dialogs/engine/session.ts';
import type { ConversationRef } from '../../dialogs/messages.ts';
import { silentLogger } from '../../dialogs/ports.ts';

const conversation: ConversationRef = { channel: 'webchat', conversationId: 'c7', buyerId: 'b7' };

function sessions(lastTurns = 3) {
  const store = new MemorySessionStore();
  return { store, sessions: new ConversationSessions({ store, ttlSeconds: 600, lastTurns, logger: silentLogger }) };
}

describe('ConversationSessions', () => {
  it('cuts an agent\'s long reply to the transcript limit, as the engine cuts a buyer\'s', async () => {
    const { sessions: access } = sessions();
    await access.save(conversation, newSession('zh-Hans', 1));
    await access.appendTurns(conversation, [{ from: 'agent', text: '好'.repeat(5000), at: 2 }]);
    const turns = (await access.load(conversation))!.turns;
    expect(turns).toHaveLength(1);
    expect(turns[0]!.text).toHaveLength(MAX_TURN_TEXT);
  });

  it('keeps the last turns only, and skips empty texts', async () => {
    const { sessions: access } = sessions(3);
    await access.save(conversation, newSession('en', 1));
    await access.appendTurns(conversation, ['a', '', 'b', 'c', 'd'].map((text, at) => ({ from: 'bot' as const, text, at })));
    expect((await access.load(conversation))!.turns.map((turn) => turn.text)).toEqual(['b', 'c', 'd']);
  });

  it('writes nothing for a conversation that has no session', async () => {
    const { store, sessions: access } = sessions();
    await access.appendTurns(conversation, [{ from: 'agent', text: 'hello', at: 1 }]);
    expect(await store.load('webchat:c7')).toBeNull();
  });

  it('sets aside a stored value that is not a session instead of trusting it', async () => {
    const { store, sessions: access } = sessions();
    await store.save('webchat:c7', { version: 1, turns: 'not a list' }, 60);
    expect(await access.load(conversation)).toBeNull();
    await access.appendTurns(conversation, [{ from: 'agent', text: 'hi', at: 1 }]);
    expect(await store.load('webchat:c7')).toEqual({ version: 1, turns: 'not a list' });
  });
});
