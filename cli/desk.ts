// `npm run desk -- hash`: makes the Argon2id hash of an agent's password for desk.agents in the
// configuration (docs/desk.md). The password is read from the terminal without being shown, or
// from standard input when it is piped (`echo -n "…" | npm run desk -- hash`); only the hash is
// printed, so the configuration never holds a password.

import { createInterface } from 'node:readline';
import { hashPassword } from '../adapters/desk/agent-accounts.ts';

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  // Echo nothing while the password is typed.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  process.stderr.write('Password: ');
  const password = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stderr.write('\n');
  return password;
}

const [command] = process.argv.slice(2);
if (command !== 'hash') {
  process.stderr.write('usage: npm run desk -- hash   (reads the password, prints its Argon2id hash for desk.agents)\n');
  process.exit(2);
}
const password = await readPassword();
if (password.length < 8) {
  process.stderr.write('the password must have at least 8 characters\n');
  process.exit(1);
}
process.stdout.write(`${await hashPassword(password)}\n`);
