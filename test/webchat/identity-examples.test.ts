// The signing examples shop developers copy from docs/webchat-identity.md must make tokens Kefu
// accepts: the Node.js, PHP and Python ones are taken from the page as written and run here (php-cli
// and python3 are on the machine: .ci/run installs php-cli).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IdentityVerifier } from '../../adapters/webchat/identity-token.ts';

const page = readFileSync(new URL('../../docs/webchat-identity.md', import.meta.url), 'utf8');
const SECRET = 'docs-example-secret-0123456789abcdef';
const verifier = new IdentityVerifier({ secret: SECRET, audience: 'my-shop', maxAgeSeconds: 3600, clock: { now: () => Date.now() } });
const folder = mkdtempSync(join(tmpdir(), 'kefu-identity-examples-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function example(language: string): string {
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(page);
  if (!match) throw new Error(`docs/webchat-identity.md has no ${language} example`);
  return match[1]!;
}

describe('docs/webchat-identity.md signing examples', () => {
  it('Node.js: the token is accepted as the buyer it names', async () => {
    // The example imports 'jose' as a shop's project would; here it resolves to Kefu's own copy.
    const code = example('js').replace("from 'jose'", `from ${JSON.stringify(import.meta.resolve('jose'))}`);
    const file = join(folder, 'sign.mjs');
    writeFileSync(file, code);
    process.env.KEFU_WEBCHAT_IDENTITY_SECRET = SECRET;
    try {
      const { kefuIdentityToken } = (await import(file)) as { kefuIdentityToken(id: string, name?: string): Promise<string> };
      expect(await verifier.verify(await kefuIdentityToken('shop-user-1001', '王小明'))).toEqual({ ok: true, buyer: { buyerId: 'shop-user-1001', name: '王小明' } });
    } finally {
      delete process.env.KEFU_WEBCHAT_IDENTITY_SECRET;
    }
  });

  it('PHP: the token is accepted as the buyer it names', async () => {
    const file = join(folder, 'sign.php');
    writeFileSync(file, `${example('php')}\necho kefu_identity_token("shop-user-1001", "王小明");\n`);
    const run = spawnSync('php', [file], { env: { ...process.env, KEFU_WEBCHAT_IDENTITY_SECRET: SECRET }, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(await verifier.verify(run.stdout.trim())).toEqual({ ok: true, buyer: { buyerId: 'shop-user-1001', name: '王小明' } });
  });

  it('Python: the token is accepted as the buyer it names', async () => {
    const file = join(folder, 'sign.py');
    writeFileSync(file, `${example('python')}\nprint(kefu_identity_token("shop-user-1001", "王小明"))\n`);
    const run = spawnSync('python3', [file], { env: { ...process.env, KEFU_WEBCHAT_IDENTITY_SECRET: SECRET, PYTHONIOENCODING: 'utf-8' }, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(await verifier.verify(run.stdout.trim())).toEqual({ ok: true, buyer: { buyerId: 'shop-user-1001', name: '王小明' } });
  });
});
