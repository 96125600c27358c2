import AxeBuilder from '@axe-core/playwright';
import { demoUsers } from '@kabinet/demo';
import {
  expectErrorCode,
  expectNoGraphQLErrors,
  launchChromium,
  manifestOperation,
  persistedRequest,
  skipWithoutBrowser,
  startTestStack,
  type CapturedMail,
  type Tab,
  type TestStack,
  WatchedTabs,
} from '@kabinet/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

/*
 * The pages behind the links Kabinet mails, driven in a real browser: each test takes the link
 * from a captured mail, points it at the test gateway (APP_URL is https://app.kabinet.test),
 * and does what a person would, then checks the outcome through the API. The gateway runs as in
 * production (FIRST_PARTY_OPERATIONS=safelist): the pages, like this test, may send only the web
 * app's manifest operations.
 */

if (skipWithoutBrowser) console.warn('pages.e2e.ts skipped: no /usr/bin/chromium (apt-get install chromium)');

const password = 'Смерека-2026-ліс';
let counter = 0;
const uniqueEmail = () => `pages${Date.now()}${(counter += 1)}@example.com`;

describe.skipIf(skipWithoutBrowser)('pages behind the links Kabinet mails, in a browser', { timeout: 90_000 }, () => {
  let t: TestStack;
  let browser: Browser;
  let gatewayOrigin: string;
  let tabs: WatchedTabs;

  beforeAll(async () => {
    t = await startTestStack({ env: { FIRST_PARTY_OPERATIONS: 'safelist' } });
    gatewayOrigin = new URL(t.url).origin;
    browser = await launchChromium();
    tabs = new WatchedTabs(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  // Whatever a test did, its pages asked nothing of another origin and hit no CSP refusal or script error.
  afterEach(async () => {
    for (const tab of await tabs.closeAll()) {
      expect(tab.requests.filter((url) => new URL(url).origin !== gatewayOrigin)).toEqual([]);
      expect(tab.problems).toEqual([]);
    }
  });

  const openTab = (options: { locale?: string; viewport?: { width: number; height: number } } = {}) => tabs.open(options);

  /** The link in a mail, checked to point at APP_URL, moved onto the test gateway. */
  function linkIn(mail: CapturedMail): URL {
    const mailed = /https?:\/\/\S+/.exec(mail.text)?.[0];
    expect(mailed, mail.text).toBeTruthy();
    const link = new URL(mailed!);
    expect(link.origin).toBe(new URL(t.config.mail.appUrl).origin);
    return new URL(`${link.pathname}${link.search}`, gatewayOrigin);
  }

  const statusOf = (page: Page) => page.getByRole('status').textContent();
  const expectStatus = (page: Page, text: string) => expect.poll(() => statusOf(page), { timeout: 15_000 }).toContain(text);
  const graphqlCalls = (tab: Tab) => tab.requests.filter((url) => new URL(url).pathname === '/graphql').length;
  /** An operation of the web app's manifest, sent by id as the app sends it. */
  const web = (name: string, variables: Record<string, unknown>, token?: string) =>
    persistedRequest(t.url, { id: manifestOperation('kabinet-web', name).id, operationName: name, variables, token, clientName: 'kabinet-web' });
  const login = ({ email, password }: { email: string; password: string }) => web('Login', { input: { email, password } });
  async function logIn(who: { email: string; password: string }): Promise<string> {
    return expectNoGraphQLErrors(await login(who)).login.accessToken;
  }
  const focused = (page: Page) => page.locator(':focus');

  async function registeredUser() {
    const email = uniqueEmail();
    expectNoGraphQLErrors(await web('Register', { input: { email, password, displayName: 'Олена Тест' } }));
    return { email, password, confirmLink: linkIn(await t.mailbox.waitFor(email, (mail) => mail.text.includes('/confirm-email?'))) };
  }

  async function resetLinkOfConfirmedUser() {
    const user = await registeredUser();
    expectNoGraphQLErrors(await web('ConfirmEmail', { input: { token: user.confirmLink.searchParams.get('token') } }));
    expectNoGraphQLErrors(await web('RequestPasswordReset', { input: { email: user.email } }));
    const resetLink = linkIn(await t.mailbox.waitFor(user.email, (mail) => mail.text.includes('/reset-password?')));
    return { ...user, resetLink };
  }

  async function expectNoAccessibilityViolations(page: Page) {
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.html).join(' | ')}`)).toEqual([]);
  }

  it('confirms a new login\'s email from the mailed link; then the login works, and the link is spent', async () => {
    const user = await registeredUser();
    expectErrorCode(await login(user), 'EMAIL_NOT_CONFIRMED');

    const { page } = await openTab();
    await page.goto(user.confirmLink.href);
    expect(await page.getAttribute('html', 'lang')).toBe('uk');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Підтвердження електронної пошти');
    await expectNoAccessibilityViolations(page);

    await page.getByRole('button', { name: 'Підтвердити адресу' }).click();
    await expectStatus(page, `Адресу ${user.email} підтверджено. Тепер можна входити з нею в Kabinet.`);
    expect(await page.getByRole('button').count()).toBe(0);
    await expectNoAccessibilityViolations(page);
    await logIn(user);

    await page.goto(user.confirmLink.href);
    await page.getByRole('button', { name: 'Підтвердити адресу' }).click();
    await expectStatus(page, 'Це посилання недійсне або ним уже скористалися. Якщо ви вже підтвердили адресу, просто увійдіть у Kabinet.');
  });

  it('sets a new password from the reset link by keyboard alone, refusing a mismatch and a weak password first', async () => {
    const user = await resetLinkOfConfirmedUser();
    const tab = await openTab();
    const { page } = tab;
    await page.goto(user.resetLink.href);
    expect(await page.locator('#password-rule').textContent()).toBe(
      'Пароль має містити від 10 до 128 символів, щонайменше одну літеру й одну цифру або інший знак і не містити частини вашої адреси пошти до «@».',
    );
    expect(await page.getByLabel('Новий пароль', { exact: true }).getAttribute('aria-describedby')).toBe('password-rule');
    await expectNoAccessibilityViolations(page);

    // Tab order: the language switch, the two fields, the button.
    await page.keyboard.press('Tab');
    expect(await focused(page).textContent()).toBe('English');
    await page.keyboard.press('Tab');
    expect(await focused(page).getAttribute('id')).toBe('new-password');
    await page.keyboard.type('Новий-пароль-2027');
    await page.keyboard.press('Tab');
    expect(await focused(page).getAttribute('id')).toBe('repeat-password');
    await page.keyboard.type('Новий-пароль-2028');
    await page.keyboard.press('Tab');
    expect(await focused(page).textContent()).toBe('Зберегти пароль');
    await page.keyboard.press('Enter');

    await expectStatus(page, 'Паролі не збігаються. Введіть той самий пароль в обидва поля.');
    expect(await focused(page).getAttribute('id')).toBe('repeat-password');
    expect(await focused(page).getAttribute('aria-invalid')).toBe('true');
    expect(graphqlCalls(tab)).toBe(0);

    // A weak password reaches the API, which refuses it with WEAK_PASSWORD: the page says why in words.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('коротко-1');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('коротко-1');
    await page.keyboard.press('Enter');
    await expectStatus(page, 'Цей пароль надто простий. Пароль має містити від 10 до 128 символів');
    expect(graphqlCalls(tab)).toBe(1);
    expect(await focused(page).getAttribute('id')).toBe('new-password');
    await expectNoAccessibilityViolations(page);
    // Refused, the link still works and the old password too.
    await logIn(user);

    const newPassword = 'Новий-пароль-2027';
    await page.keyboard.type(newPassword);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(newPassword);
    await page.keyboard.press('Enter');
    await expectStatus(page, 'Пароль змінено. Увійдіть у Kabinet з новим паролем; на всіх інших пристроях вхід завершено.');
    expect(await page.getByLabel('Новий пароль', { exact: true }).isVisible()).toBe(false);
    // The password never went into an address.
    expect(page.url()).toBe(user.resetLink.href);

    expectErrorCode(await login(user), 'INVALID_CREDENTIALS');
    await logIn({ email: user.email, password: newPassword });

    await page.goto(user.resetLink.href);
    await page.getByLabel('Новий пароль', { exact: true }).fill('Ще-інший-пароль-3');
    await page.getByLabel('Повторіть новий пароль').fill('Ще-інший-пароль-3');
    await page.getByRole('button', { name: 'Зберегти пароль' }).click();
    await expectStatus(page, 'Це посилання недійсне або ним уже скористалися. Щоб змінити пароль, попросіть нове посилання.');
    expect(await page.getByRole('link', { name: 'Надіслати нове посилання' }).isVisible()).toBe(true);
    await logIn({ email: user.email, password: newPassword });
  });

  it('says plainly that a reset link has expired, and leads to asking for a new one that works', async () => {
    const user = await resetLinkOfConfirmedUser();
    // An hour passes (identity's token expiry runs on real time).
    await t.stack.database.db.execute(
      `update identity.email_tokens set expires_at = now() - interval '1 minute' where purpose = 'reset_password' and email = '${user.email}'`,
    );
    const { page } = await openTab();
    await page.goto(user.resetLink.href);
    await page.getByLabel('Новий пароль', { exact: true }).fill('Новий-пароль-2027');
    await page.getByLabel('Повторіть новий пароль').fill('Новий-пароль-2027');
    await page.getByRole('button', { name: 'Зберегти пароль' }).click();
    await expectStatus(page, 'Термін дії посилання минув: воно діє одну годину. Щоб змінити пароль, попросіть нове посилання.');
    expect(await page.getByRole('button').count()).toBe(0);
    await logIn(user);

    await page.getByRole('link', { name: 'Надіслати нове посилання' }).click();
    await page.waitForURL((url) => url.pathname === '/reset-password' && !url.searchParams.has('token'));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Відновлення пароля');
    await expectNoAccessibilityViolations(page);
    await page.getByRole('button', { name: 'Надіслати посилання' }).click();
    await expectStatus(page, 'Введіть адресу електронної пошти.');
    await page.getByLabel('Електронна пошта').fill(` ${user.email} `);
    const mailsBefore = t.mailbox.messages.length;
    await page.getByRole('button', { name: 'Надіслати посилання' }).click();
    await expectStatus(page, `Якщо в Kabinet є вхід з адресою ${user.email}, на неї вже йде лист із посиланням для нового пароля.`);

    const freshLink = linkIn(
      await t.mailbox.waitFor(user.email, (mail) => t.mailbox.messages.indexOf(mail) >= mailsBefore && mail.text.includes('/reset-password?')),
    );
    expect(freshLink.href).not.toBe(user.resetLink.href);
    await page.goto(freshLink.href);
    await page.getByLabel('Новий пароль', { exact: true }).fill('Новий-пароль-2027');
    await page.getByLabel('Повторіть новий пароль').fill('Новий-пароль-2027');
    await page.getByRole('button', { name: 'Зберегти пароль' }).click();
    await expectStatus(page, 'Пароль змінено.');
    await logIn({ email: user.email, password: 'Новий-пароль-2027' });
  });

  it('says a link without its token is broken', async () => {
    const { page } = await openTab();
    const broken = await page.goto(new URL('/confirm-email', gatewayOrigin).href);
    expect(broken?.status()).toBe(400);
    expect(await statusOf(page)).toBe('Посилання неповне або пошкоджене. Відкрийте його з листа ще раз або скопіюйте повністю в адресний рядок.');
    expect(await page.getByRole('button').count()).toBe(0);
    await expectNoAccessibilityViolations(page);
  });

  it('confirms an e-receipt address from the link each utility mails, and explains an expired one', async () => {
    const token = await logIn(demoUsers.demo);
    const accounts = expectNoGraphQLErrors(await web('PayableAccounts', {}, token)).me;
    const utilities = [
      { name: 'Electricity', utility: 'electricity', accountId: accounts.electricityAccounts[0].id, words: 'за електроенергію' },
      { name: 'Heat', utility: 'heat', accountId: accounts.heatAccounts[0].id, words: 'за тепло й гарячу воду' },
    ];
    const subscribe = async ({ name, accountId }: (typeof utilities)[number], email: string) => {
      expectNoGraphQLErrors(await web(`Subscribe${name}EReceipts`, { input: { accountId, email } }, token));
      return linkIn(await t.mailbox.waitFor(email, (mail) => mail.text.includes('/e-receipts/confirm?')));
    };
    const subscription = async ({ name, accountId }: (typeof utilities)[number]) =>
      expectNoGraphQLErrors(await web(`${name}Account`, { id: accountId }, token))[`${name[0]!.toLowerCase()}${name.slice(1)}Account`].eReceipts;

    const { page } = await openTab();
    for (const utility of utilities) {
      const address = `paper-${utility.utility}-${uniqueEmail()}`;
      const link = await subscribe(utility, address);
      expect(link.searchParams.get('utility')).toBe(utility.utility);
      await page.goto(link.href);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Електронні рахунки');
      expect(await page.locator('main > p').first().textContent()).toBe(`Підтвердьте, що рахунки ${utility.words} можна надсилати на цю адресу.`);
      await expectNoAccessibilityViolations(page);
      await page.getByRole('button', { name: 'Підтвердити адресу' }).click();
      await expectStatus(page, `Готово: нові рахунки ${utility.words} надходитимуть на ${address}.`);
      expect(await subscription(utility)).toEqual({ email: address, status: 'ACTIVE' });
    }

    const late = `late-${uniqueEmail()}`;
    const lateLink = await subscribe(utilities[0]!, late);
    const subscribedAt = t.clock.now();
    t.clock.advanceDays(3);
    try {
      await page.goto(lateLink.href);
      await page.getByRole('button', { name: 'Підтвердити адресу' }).click();
      await expectStatus(page, 'Термін дії посилання минув: воно діє 48 годин. Підпишіться на електронні рахунки ще раз у застосунку Kabinet.');
      expect(await subscription(utilities[0]!)).toEqual({ email: late, status: 'PENDING' });
    } finally {
      t.clock.set(subscribedAt);
    }

    await page.goto(new URL('/e-receipts/confirm?utility=water&token=abc', gatewayOrigin).href);
    expect(await statusOf(page)).toContain('Посилання неповне або пошкоджене.');
  });

  it('speaks English to an English browser, switches language on request and keeps the link working', async () => {
    const user = await registeredUser();
    const { page } = await openTab({ locale: 'en-US' });
    await page.goto(user.confirmLink.href);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Confirm your email');
    const toUkrainian = page.getByRole('link', { name: 'Українська' });
    expect(await toUkrainian.getAttribute('lang')).toBe('uk');

    await toUkrainian.click();
    await page.waitForURL(/lang=uk/);
    expect(await page.getAttribute('html', 'lang')).toBe('uk');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Підтвердження електронної пошти');
    expect(new URL(page.url()).searchParams.get('token')).toBe(user.confirmLink.searchParams.get('token'));

    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en/);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByRole('button', { name: 'Confirm address' }).click();
    await expectStatus(page, `Your address ${user.email} is confirmed. You can now log in to Kabinet with it.`);
    await expectNoAccessibilityViolations(page);
    await logIn(user);
  });

  it('picks the language from Accept-Language, Ukrainian unless English is preferred', async () => {
    const { confirmLink } = await registeredUser();
    const languageOf = async (acceptLanguage?: string) => {
      const response = await fetch(confirmLink, { headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} });
      expect(response.headers.get('vary')).toMatch(/accept-language/i);
      return /<html lang="(\w+)">/.exec(await response.text())?.[1];
    };
    expect(await languageOf()).toBe('uk');
    expect(await languageOf('de-DE,de;q=0.9')).toBe('uk');
    expect(await languageOf('uk-UA,uk;q=0.9,en;q=0.8')).toBe('uk');
    expect(await languageOf('en-GB,en;q=0.9')).toBe('en');
    expect(await languageOf('de-DE,en;q=0.5')).toBe('en');
  });

  it('keeps the token on the page: only own files, no referrer, no cache, no framing', async () => {
    const { confirmLink } = await registeredUser();
    const pages = [confirmLink.href, new URL('/reset-password?token=abc', gatewayOrigin).href, new URL('/e-receipts/confirm?utility=heat&token=abc', gatewayOrigin).href];
    for (const url of [...pages, new URL('/pages/mailed-link.js', gatewayOrigin).href, new URL('/pages/mailed-link.css', gatewayOrigin).href]) {
      const response = await fetch(url);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, url).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const body = await response.text();
      // Every script element loads our own file or is an inert JSON data block.
      for (const script of body.match(/<script[^>]*>/g) ?? []) expect(script).toMatch(/ src="\/pages\/|type="application\/json"/);
    }
    expect((await fetch(new URL('/pages/mailed-link.js', gatewayOrigin))).headers.get('content-type')).toMatch(/^text\/javascript/);
    // The API and Sandbox beside the pages keep their own headers.
    expect((await fetch(t.url, { headers: { accept: 'text/html' } })).headers.get('content-security-policy') ?? '').not.toContain("default-src 'none'");

    const tab = await openTab();
    await tab.page.goto(confirmLink.href);
    await tab.page.getByRole('button', { name: 'Підтвердити адресу' }).click();
    await expectStatus(tab.page, 'підтверджено');
    // What the page fetched: itself, its two files and the API; afterEach checks all of it stayed on this origin.
    const paths = tab.requests.map((url) => new URL(url).pathname);
    expect(paths).toEqual(expect.arrayContaining(['/confirm-email', '/pages/mailed-link.css', '/pages/mailed-link.js', '/graphql']));
  });

  it('stays readable and usable at 200% zoom and on a narrow phone', async () => {
    const user = await resetLinkOfConfirmedUser();
    // 640 CSS pixels is a 1280-pixel window at 200%; 320 is the narrowest phone (and 400%).
    for (const width of [640, 320]) {
      const { page } = await openTab({ viewport: { width, height: 600 } });
      await page.goto(user.resetLink.href);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      for (const control of [page.getByLabel('Новий пароль', { exact: true }), page.getByLabel('Повторіть новий пароль'), page.getByRole('button', { name: 'Зберегти пароль' })]) {
        const box = await control.boundingBox();
        expect(box).not.toBeNull();
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width).toBeLessThanOrEqual(width);
      }
      await page.getByLabel('Новий пароль', { exact: true }).fill('a');
      await page.getByRole('button', { name: 'Зберегти пароль' }).click();
      await expectStatus(page, 'Паролі не збігаються.');
      const status = await page.getByRole('status').boundingBox();
      expect(status!.x + status!.width).toBeLessThanOrEqual(width);
    }
  });
});
