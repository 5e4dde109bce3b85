// Where agents' messages from both receivers (Stream and HTTP callback) meet: each DingTalk msgId
// is handled once, across every Kefu process (the delivery ledger: memory or Redis). A redelivery
// of a handled message is ignored; one that arrives while the first is still being handled fails,
// so DingTalk sends it again later; a failure gives the claim back for the retry.

import type { DeliveryLedger, Logger } from '../../../dialogs/ports.ts';
import type { RobotMessage } from './robot-message.ts';

export class RobotMessageInProgressError extends Error {
  constructor(msgId: string) {
    super(`DingTalk message ${msgId} is being handled; deliver it again later`);
    this.name = 'RobotMessageInProgressError';
  }
}

export interface RobotMessageInboxOptions {
  ledger: DeliveryLedger;
  logger: Logger;
  handle(message: RobotMessage): Promise<void>;
  claimSeconds: number;
  dedupeSeconds: number;
}

export class RobotMessageInbox {
  constructor(private readonly options: RobotMessageInboxOptions) {}

  /** Resolves 'handled' or 'duplicate'; rejects when DingTalk should deliver the message again. */
  async receive(message: RobotMessage): Promise<'handled' | 'duplicate'> {
    const { ledger, logger } = this.options;
    const key = `dingtalk-desk:${message.msgId}`;
    const claim = await ledger.claim(key, this.options.claimSeconds);
    if (claim.status === 'done') {
      logger.debug({ msgId: message.msgId }, 'DingTalk message delivered again; already handled');
      return 'duplicate';
    }
    if (claim.status === 'in_progress') throw new RobotMessageInProgressError(message.msgId);
    try {
      await this.options.handle(message);
      await ledger.complete(key, 'handled', this.options.dedupeSeconds);
      return 'handled';
    } catch (error) {
      await ledger.release(key).catch(() => {});
      throw error;
    }
  }
}
