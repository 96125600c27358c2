import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium, which `.ci/run` installs: pages people use are tested in it. */
export const chromiumPath = '/usr/bin/chromium';

/** CI always has it; only a developer's machine without it skips the browser tests. */
export const skipWithoutBrowser = !existsSync(chromiumPath) && !process.env.CI;

/** Headless, sandbox off (containers), and nothing that calls home: tests talk to loopback only. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu'],
  });
}
