// A TurnStore made of the three ports it stands for, one call each: claim the message (TurnLedger),
// take the conversation's turn (ConversationLine), load the session (SessionStore); commit, then
// hand the turn on. The embedded default's: in one process there are no round trips to save.
// The line's run(work) holds the turn while `work` runs, so the turn is held by a `work` that waits
// until finish or abandon lets it end.

import type { ConversationLine, HeldTurn, SessionStore, TurnLedger, TurnOutcome, TurnStart, TurnStore } from '../../dialogs/ports.ts';

export interface SteppedTurnStoreOptions {
  ledger: TurnLedger;
  line: ConversationLine;
  /** The store the ledger commits sessions to. */
  sessions: SessionStore;
}

/** A held turn of the line: `leave` ends the waiting work, so the line hands the turn on; it resolves once it has. */
interface HeldPlace {
  leave(): Promise<void>;
}

export class SteppedTurnStore implements TurnStore {
  constructor(private readonly options: SteppedTurnStoreOptions) {}

  async begin(conversationKey: string, messageId: string, claimSeconds: number): Promise<TurnStart> {
    const { ledger, sessions } = this.options;
    const claim = await ledger.claim(conversationKey, messageId, claimSeconds);
    if (claim.status !== 'new') return claim;
    let place: HeldPlace & { waited: boolean };
    try {
      place = await this.takeTurn(conversationKey);
    } catch (error) {
      await ledger.release(conversationKey, messageId, claim.token).catch(() => {});
      throw error;
    }
    const turn: HeldTurn = { conversationKey, messageId, token: claim.token, place };
    try {
      return { status: 'new', turn, session: await sessions.load<unknown>(conversationKey), waited: place.waited };
    } catch (error) {
      await this.abandon(turn);
      throw error;
    }
  }

  async finish(turn: HeldTurn, outcome: TurnOutcome): Promise<boolean> {
    const { ledger } = this.options;
    try {
      return await ledger.commit({ conversationKey: turn.conversationKey, messageId: turn.messageId, token: turn.token, ...outcome });
    } catch (error) {
      // Nothing was committed: the message goes back, so its retry runs the turn.
      await ledger.release(turn.conversationKey, turn.messageId, turn.token).catch(() => {});
      throw error;
    } finally {
      await (turn.place as HeldPlace).leave();
    }
  }

  async abandon(turn: HeldTurn): Promise<void> {
    await this.options.ledger.release(turn.conversationKey, turn.messageId, turn.token).catch(() => {});
    await (turn.place as HeldPlace).leave();
  }

  /** Resolves once the turn is this caller's; rejects as the line's run() does when it never comes (LineBusyError). */
  private takeTurn(conversationKey: string): Promise<HeldPlace & { waited: boolean }> {
    return new Promise((served, refused) => {
      let end!: () => void;
      const ended = new Promise<void>((resolve) => (end = resolve));
      // A line that is free starts the work before run() returns; one that is not, later.
      let waited = false;
      const running = this.options.line.run(conversationKey, async () => {
        served({
          waited,
          leave: async () => {
            end();
            await running;
          },
        });
        await ended;
      });
      waited = true;
      // Before the turn came: the refusal. After: nothing to report (leave() awaits the hand-on).
      running.catch(refused);
    });
  }
}
