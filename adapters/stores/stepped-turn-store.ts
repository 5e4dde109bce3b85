// A TurnStore made of the three ports it stands for, one call each: claim the message (TurnLedger),
// take the conversation's turn (ConversationLine), load the session (SessionStore); commit, then
// hand the turn on. The embedded default's: in one process there are no round trips to save.
// The line's run(work) holds the turn while `work` runs, so the turn is held by a `work` that waits
// until finish or abandon lets it end.

import { systemClock, type Clock, type ConversationLine, type HeldTurn, type SessionStore, type TurnLedger, type TurnOrder, type TurnOutcome, type TurnStart, type TurnStore } from '../../dialogs/ports.ts';
import { ExpiringMap } from './memory/expiring-map.ts';
import { checkSequence } from './store-input.ts';

export interface SteppedTurnStoreOptions {
  ledger: TurnLedger;
  line: ConversationLine;
  /** The store the ledger commits sessions to. */
  sessions: SessionStore;
  clock?: Clock;
  /** Most conversations whose senders' numbering is remembered (a day each); past it the oldest goes. Default 100000. */
  maxSequences?: number;
}

const SEQUENCE_KEEP_MS = 86_400_000;

/** A held turn of the line: `leave` ends the waiting work, so the line hands the turn on; it resolves once it has. */
interface HeldPlace {
  leave(): Promise<void>;
}

export class SteppedTurnStore implements TurnStore {
  /** The highest sender's number begun per conversation (TurnOrder). */
  private readonly sequences: ExpiringMap<number>;

  constructor(private readonly options: SteppedTurnStoreOptions) {
    this.sequences = new ExpiringMap(options.clock ?? systemClock, options.maxSequences ?? 100_000);
  }

  async begin(conversationKey: string, messageId: string, claimSeconds: number, order?: TurnOrder): Promise<TurnStart> {
    const { ledger, sessions } = this.options;
    checkSequence(order);
    const lastSequence = this.sequences.get(conversationKey) ?? 0;
    if (order?.wait && order.sequence > lastSequence + 1) return { status: 'early' };
    const claim = await ledger.claim(conversationKey, messageId, claimSeconds);
    if (claim.status !== 'new') return claim;
    // Tickets are taken in the senders' order: the next number may now take its own.
    if (order && order.sequence > (this.sequences.get(conversationKey) ?? 0)) this.sequences.set(conversationKey, order.sequence, SEQUENCE_KEEP_MS);
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
