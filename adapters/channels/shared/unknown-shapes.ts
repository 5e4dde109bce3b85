// Pushes Kefu cannot read are logged once per shape, not once per push: a platform that changes a
// field name sends thousands of pushes an hour, and one line with the reason and the field names seen
// (never their values, which hold buyers' words) is what a developer needs to adapt the reader.

import type { Logger } from '../../../dialogs/ports.ts';

/** Shapes remembered per process; past this many, new shapes are still logged but no longer remembered. */
const REMEMBERED_SHAPES = 1000;

export class UnknownShapes {
  private readonly seen = new Set<string>();

  constructor(
    private readonly channel: string,
    private readonly logger: Logger,
  ) {}

  /** Logs the shape unless it was logged before; returns true when it was new. */
  report(reason: string, fields: readonly string[]): boolean {
    const shape = `${reason}|${fields.join(',')}`;
    if (this.seen.has(shape)) return false;
    if (this.seen.size < REMEMBERED_SHAPES) this.seen.add(shape);
    this.logger.warn({ channel: this.channel, reason, fields }, 'a signed push in a shape Kefu does not read was acknowledged and left alone (logged once per shape)');
    return true;
  }
}
