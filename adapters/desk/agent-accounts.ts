// Who may sign in at /desk: the agents listed in the configuration (desk.agents), each with a
// password stored as an Argon2id hash (@node-rs/argon2; `npm run desk -- hash` makes one). With no
// agents configured, Kefu makes one demo agent whose password is new at every start and shown in
// the start-up log, like the demo buyer of the web chat: enough to try the desk, useless to keep.

import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Logger } from '../../dialogs/ports.ts';

export interface AgentAccount {
  /** Sign-in name, e.g. "alice"; also the agent's id on hand-off cards ("desk:alice"). */
  id: string;
  /** Shown to other agents and on team-chat cards. */
  name: string;
  /** Argon2id (PHC string, "$argon2id$v=19$…"). */
  passwordHash: string;
}

export const DEMO_AGENT_ID = 'demo';

/** A hash no password matches, checked for unknown names so that a wrong name takes as long as a wrong password. */
let decoyHash: Promise<string> | null = null;

export class AgentAccounts {
  private readonly byId: Map<string, AgentAccount>;

  constructor(accounts: readonly AgentAccount[]) {
    this.byId = new Map(accounts.map((a) => [a.id.toLowerCase(), a]));
  }

  /**
   * The configured agents; none configured and `demo` set: one demo agent, its password printed
   * in the log (an `info` line). Throws when a configured hash is not an Argon2 PHC string.
   */
  static async create(agents: readonly AgentAccount[], options: { demo: boolean; logger: Logger }): Promise<AgentAccounts> {
    for (const agent of agents) {
      if (!/^\$argon2(id|i|d)\$/.test(agent.passwordHash)) {
        throw new Error(`desk.agents: the password of "${agent.id}" must be an Argon2 hash (make one with: npm run desk -- hash)`);
      }
    }
    if (agents.length > 0 || !options.demo) return new AgentAccounts(agents);
    const password = randomBytes(9).toString('base64url');
    const demo: AgentAccount = { id: DEMO_AGENT_ID, name: 'Demo agent', passwordHash: await hashPassword(password) };
    options.logger.info({ agent: DEMO_AGENT_ID }, `agent desk: sign in at /desk as "${DEMO_AGENT_ID}" with password ${password} (a demo agent, new at every start; list your agents under desk.agents)`);
    return new AgentAccounts([demo]);
  }

  get size(): number {
    return this.byId.size;
  }

  all(): AgentAccount[] {
    return [...this.byId.values()];
  }

  find(id: string): AgentAccount | null {
    return this.byId.get(id.toLowerCase()) ?? null;
  }

  /** The account when the password is right; null otherwise (unknown names cost the same time). */
  async check(id: string, password: string): Promise<AgentAccount | null> {
    const account = this.find(id);
    decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
    const ok = await verify(account?.passwordHash ?? (await decoyHash), password).catch(() => false);
    return ok && account ? account : null;
  }
}

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}
