import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

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

/** A page and what it did: every URL it requested, and its console errors, warnings and script errors. */
export interface Tab {
  page: Page;
  /** Every URL the page requested, in order. */
  requests: string[];
  /** Console errors and warnings (a CSP refusal is one) and uncaught script errors. */
  problems: string[];
}

/**
 * Tabs of one browser, each in a context of its own, that record what their page asked for and
 * what went wrong on it, so that a test file can check after each test that its pages asked
 * nothing of another origin and hit no CSP refusal or script error.
 */
export class WatchedTabs {
  private contexts: BrowserContext[] = [];
  private tabs: Tab[] = [];

  constructor(private readonly browser: Browser) {}

  async open(options: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<Tab> {
    const context = await this.browser.newContext({ locale: options.locale ?? 'uk-UA', viewport: options.viewport ?? { width: 1280, height: 800 } });
    this.contexts.push(context);
    const page = await context.newPage();
    const tab: Tab = { page, requests: [], problems: [] };
    page.on('request', (request) => tab.requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() !== 'error' && message.type() !== 'warning') return;
      // A page answering 400 or 404 on purpose (a wrong password, a broken link) is logged as a failed load of the document itself.
      if (message.text().startsWith('Failed to load resource') && message.location().url === page.url()) return;
      tab.problems.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => tab.problems.push(error.message));
    this.tabs.push(tab);
    return tab;
  }

  /** Closes every tab opened since the last call and gives them, for the test to check. */
  async closeAll(): Promise<Tab[]> {
    const opened = this.tabs;
    this.tabs = [];
    await Promise.all(this.contexts.map((context) => context.close()));
    this.contexts = [];
    return opened;
  }
}
