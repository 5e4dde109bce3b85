// Launches the machine's own Chromium (Debian's package) for browser tests, through playwright-core.
// Nothing is ever downloaded: playwright-core ships no browser, and the tests must run offline on
// a fresh machine where `apt-get install chromium` is the only install step.

import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

// Quiet, self-contained Chromium: no sandbox (tests run as root in containers), no GPU, and none of
// the background traffic (updates, sync, QUIC probes) that would try to reach the outside world.
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium binary to drive: CHROMIUM_PATH when set, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
}

/**
 * Starts a headless Chromium with a new, empty profile (playwright gives every launch a fresh
 * temporary user-data directory, removed on close). Fails with an install hint when the binary
 * is missing, rather than with playwright's advice to download a browser.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  try {
    accessSync(executablePath, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium was not found at ${executablePath}. Install it with \`apt-get install chromium\` ` +
        '(or point CHROMIUM_PATH at a Chromium binary); browser tests never download one.',
    );
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}
