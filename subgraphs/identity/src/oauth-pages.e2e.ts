import AxeBuilder from '@axe-core/playwright';
import { demoPartner, demoUsers } from '@kabinet/demo';
import {
  authorizationUrl,
  exchangeCode,
  expectNoGraphQLErrors,
  gatewayOrigin,
  launchChromium,
  manifestOperation,
  persistedRequest,
  pkcePair,
  skipWithoutBrowser,
  startTestStack,
  type Tab,
  type TestStack,
  WatchedTabs,
} from '@kabinet/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

/*
 * The OAuth login and consent pages in a real browser: a customer sent by Demo Bank logs in,
 * reads what the bank asks for in their language, and allows or refuses; the browser lands on
 * the bank's redirect URI (answered here by the test) with a code or access_denied.
 */

if (skipWithoutBrowser) console.warn('oauth-pages.e2e.ts skipped: no /usr/bin/chromium (apt-get install chromium)');


describe.skipIf(skipWithoutBrowser)('OAuth login and consent pages, in a browser', { timeout: 90_000 }, () => {
  let t: TestStack;
  let browser: Browser;
  let origin: string;
  let tabs: WatchedTabs;

  beforeAll(async () => {
    t = await startTestStack();
    origin = gatewayOrigin(t);
    browser = await launchChromium();
    tabs = new WatchedTabs(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  // Nothing but the gateway and the app's own redirect URI was asked, with no CSP refusal or script error.
  afterEach(async () => {
    for (const tab of await tabs.closeAll()) {
      expect(tab.requests.filter((url) => new URL(url).origin !== origin && !url.startsWith(demoPartner.redirectUri))).toEqual([]);
      expect(tab.problems).toEqual([]);
    }
  });

  async function openTab(locale: string): Promise<Tab> {
    const tab = await tabs.open({ locale });
    // Demo Bank's callback: the browser gets there, and the test reads the address it was sent to.
    await tab.page.route(`${demoPartner.redirectUri}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'Demo Bank' }));
    return tab;
  }

  async function expectNoAccessibilityViolations(page: Page) {
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.html).join(' | ')}`)).toEqual([]);
  }

  it('logs a customer in and takes their consent in Ukrainian; the bank gets a code that works', async () => {
    const { page } = await openTab('uk-UA');
    const { verifier, challenge } = pkcePair();
    await page.goto(authorizationUrl(t, { scopes: ['accounts:read', 'payments:write'], challenge, state: 'uk-state' }).href);

    expect(new URL(page.url()).pathname).toMatch(/^\/oauth\/interaction\//);
    expect(await page.getAttribute('html', 'lang')).toBe('uk');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Вхід до Кабінету');
    expect(await page.locator('main p').first().textContent()).toContain('Demo Bank просить доступ до вашого Кабінету');
    await expectNoAccessibilityViolations(page);

    await page.getByLabel('Адреса пошти').fill(demoUsers.demo.email);
    await page.getByLabel('Пароль').fill('неправильний-пароль-1');
    await page.getByRole('button', { name: 'Увійти' }).click();
    expect(await page.getByRole('status').textContent()).toBe('Неправильна адреса пошти або пароль');
    // The address typed stays; the password does not.
    expect(await page.getByLabel('Адреса пошти').inputValue()).toBe(demoUsers.demo.email);
    expect(await page.getByLabel('Пароль').inputValue()).toBe('');
    await expectNoAccessibilityViolations(page);

    await page.getByLabel('Пароль').fill(demoUsers.demo.password);
    await page.getByRole('button', { name: 'Увійти' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Дозволити доступ застосунку Demo Bank?');
    expect(await page.getByRole('listitem').allTextContents()).toEqual([
      'бачити ваші особові рахунки, баланси, рахунки до сплати, лічильники й платежі',
      'сплачувати ваші рахунки',
    ]);
    expect(await page.locator('main').textContent()).toContain(demoUsers.demo.email);
    await expectNoAccessibilityViolations(page);

    await page.getByRole('button', { name: 'Дозволити' }).click();
    await page.waitForURL(`${demoPartner.redirectUri}**`);
    const redirect = new URL(page.url());
    expect(redirect.searchParams.get('state')).toBe('uk-state');
    const tokens = await exchangeCode(t, { redirect, verifier, state: 'uk-state' });
    expect(tokens.body.scope).toBe('accounts:read payments:write');
    // Demo Bank reads the Dashboard with it, by id as a partner must.
    const dashboard = await persistedRequest(t.url, { id: manifestOperation('demo-bank', 'Dashboard').id, token: tokens.body.access_token });
    expect((expectNoGraphQLErrors(dashboard) as { me: { email: string } }).me.email).toBe(demoUsers.demo.email);
  });

  it('sends the customer back to the bank with access_denied when they refuse, in English', async () => {
    const { page } = await openTab('en-GB');
    await page.goto(authorizationUrl(t, { scopes: ['readings:write'], challenge: pkcePair().challenge, state: 'en-state' }).href);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Log in to Kabinet');
    await page.getByLabel('Email').fill(demoUsers.second.email);
    await page.getByLabel('Password').fill(demoUsers.second.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    expect(await page.getByRole('listitem').allTextContents()).toEqual(['submit meter readings for your accounts']);

    await page.getByRole('button', { name: 'Refuse' }).click();
    await page.waitForURL(`${demoPartner.redirectUri}**`);
    const redirect = new URL(page.url());
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('code')).toBeNull();
  });

  it('shows a page in Russian, not a redirect, for a redirect URI the bank never registered', async () => {
    const { page } = await openTab('ru-RU');
    const response = await page.goto(
      authorizationUrl(t, { scopes: ['accounts:read'], challenge: pkcePair().challenge, state: 's', redirectUri: 'https://attacker.example/cb' }).href,
    );
    expect(response?.status()).toBe(400);
    expect(new URL(page.url()).origin).toBe(origin);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Этот запрос не может продолжаться');
    await expectNoAccessibilityViolations(page);
  });
});
