import { demoUsers } from '@kabinet/demo';
import { expectNoGraphQLErrors, launchChromium, loginAs, skipWithoutBrowser, startTestStack, type TestStack } from '@kabinet/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutInput, checkoutQuery, createCheckoutMutation, demoAccounts, eventually } from './testing/checkout-kit';

/*
 * Paying as a person does: the app makes the checkout, the browser opens its paymentUrl (the
 * local LiqPay sandbox's page), the person types a card and presses a button, and lands back on
 * Kabinet. Everything stays on loopback.
 */
describe.skipIf(skipWithoutBrowser)('paying in a browser on the LiqPay sandbox page', { timeout: 90_000 }, () => {
  let t: TestStack;
  let browser: Browser;
  let token: string;

  beforeAll(async () => {
    t = await startTestStack();
    token = await loginAs(t, demoUsers.demo);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function checkout(items: { utility: string; accountId: string; amount: string }[]) {
    // The app asks in its user's language; the provider's page speaks it.
    return expectNoGraphQLErrors(await t.gql(createCheckoutMutation, { token, headers: { 'accept-language': 'uk' }, variables: { input: checkoutInput(t, items) } })).createCheckout;
  }

  it('pays an electricity and a heat account of two suppliers with a card, and comes back to Kabinet', async () => {
    const { lvivEnergo, poltavaTeplo } = demoAccounts;
    const created = await checkout([
      { utility: 'ELECTRICITY', accountId: lvivEnergo.accountId, amount: '210.00' },
      { utility: 'HEAT', accountId: poltavaTeplo.accountId, amount: '540.55' },
    ]);
    const context = await browser.newContext({ locale: 'uk-UA' });
    const page = await context.newPage();
    const origins = new Set<string>();
    page.on('request', (request) => {
      // The browser's own pages (its PDF viewer) have no network origin.
      if (/^https?:/.test(request.url())) origins.add(new URL(request.url()).origin);
    });

    await page.goto(created.paymentUrl);
    expect(await page.getByTestId('amount').textContent()).toBe('750.55 UAH');
    // The one debit and its two credits, one per supplier's merchant.
    await expect.poll(() => page.locator('li').allTextContents(), { timeout: 10_000 }).toEqual(['sandbox_lviv_energo: 210.00 UAH', 'sandbox_poltava_teplo: 540.55 UAH']);
    expect(await page.textContent('body')).toContain(lvivEnergo.number);

    await page.getByLabel('Номер картки').fill('4242 4242 4242 4242');
    await page.getByLabel('Термін дії').fill('12/30');
    await page.getByLabel('CVV').fill('123');
    await page.getByRole('button', { name: 'Сплатити', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/payments/return');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Оплата');
    // The page cannot tell a charge from a decline: it thanks for nothing and shows no error.
    const said = page.getByRole('status');
    expect(await said.textContent()).toContain('Чи пройшла оплата, видно в застосунку');
    expect(await said.getAttribute('data-tone')).toBeNull();

    const paid = expectNoGraphQLErrors(await t.gql(checkoutQuery, { token, variables: { id: created.id } })).checkout;
    expect(paid.status).toBe('CAPTURED');
    // The receipt opens in the browser too.
    const receipt = await page.goto(paid.receiptUrl);
    expect(receipt?.headers()['content-type']).toBe('application/pdf');
    // Only Kabinet's gateway and the sandbox were asked for anything.
    expect([...origins].sort()).toEqual([new URL(t.url).origin, new URL(t.stack.liqpaySandbox!.url).origin].sort());
    await context.close();
  });

  it('passes 3-D Secure with the code, and a declined card takes nothing', async () => {
    const context = await browser.newContext({ locale: 'uk-UA' });
    const page = await context.newPage();

    const secured = await checkout([{ utility: 'ELECTRICITY', accountId: demoAccounts.kyivEnergo.accountId, amount: '55.00' }]);
    await page.goto(secured.paymentUrl);
    await page.getByLabel('Номер картки').fill('4000 0000 0000 3063');
    await page.getByRole('button', { name: '3-D Secure, потім сплатити' }).click();
    await page.getByRole('heading', { name: 'Підтвердження 3-D Secure' }).waitFor();
    // While the bank waits for the code the checkout is still pending.
    expect(expectNoGraphQLErrors(await t.gql(checkoutQuery, { token, variables: { id: secured.id } })).checkout).toMatchObject({ status: 'PENDING', providerStatus: '3ds_verify' });
    await page.getByLabel('Код').fill('111111');
    await page.getByRole('button', { name: 'Підтвердити' }).click();
    await page.waitForURL((url) => url.pathname === '/payments/return');
    await eventually('the capture', async () => {
      const status = expectNoGraphQLErrors(await t.gql(checkoutQuery, { token, variables: { id: secured.id } })).checkout.status;
      return status === 'CAPTURED' ? true : undefined;
    });

    const declined = await checkout([{ utility: 'HEAT', accountId: demoAccounts.kyivTeplo.accountId, amount: '66.00' }]);
    await page.goto(declined.paymentUrl);
    await page.getByRole('button', { name: 'Відхилити' }).click();
    await page.waitForURL((url) => url.pathname === '/payments/return');
    expect(await page.getByRole('status').textContent()).not.toContain('Дякуємо');
    expect(expectNoGraphQLErrors(await t.gql(checkoutQuery, { token, variables: { id: declined.id } })).checkout).toMatchObject({ status: 'FAILED', receiptUrl: null });
    await context.close();
  });

  it('shows the bank-transfer details with a QR code per supplier, nothing from elsewhere', async () => {
    const { kyivEnergo, kyivTeplo } = demoAccounts;
    const created = expectNoGraphQLErrors(
      await t.gql(createCheckoutMutation, {
        token,
        headers: { 'accept-language': 'uk' },
        variables: {
          input: {
            ...checkoutInput(t, [
              { utility: 'ELECTRICITY', accountId: kyivEnergo.accountId, amount: '120.00' },
              { utility: 'HEAT', accountId: kyivTeplo.accountId, amount: '300.40' },
            ]),
            provider: 'BANK_TRANSFER',
          },
        },
      }),
    ).createCheckout;
    const context = await browser.newContext({ locale: 'uk-UA' });
    const page = await context.newPage();
    const origins = new Set<string>();
    const refused: string[] = [];
    page.on('request', (request) => origins.add(new URL(request.url()).origin));
    // What the page's policy blocked, and what it asked for in vain (the browser's own favicon guess aside).
    page.on('console', (message) => {
      if (message.type() === 'error' && message.text().includes('Content Security Policy')) refused.push(message.text());
    });
    page.on('response', (response) => {
      if (response.status() >= 400 && new URL(response.url()).pathname !== '/favicon.ico') refused.push(`${response.status()} ${response.url()}`);
    });

    await page.goto(created.paymentUrl);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Оплата за реквізитами');
    expect(await page.getByRole('status').textContent()).toContain('окремим переказом');
    const codes = page.getByRole('img', { name: 'QR-код переказу для банківського застосунку' });
    expect(await codes.count()).toBe(2);
    for (const code of await codes.all()) {
      const box = (await code.boundingBox())!;
      // Big enough for a phone's camera across a desk, and square.
      expect(box.width).toBeGreaterThanOrEqual(160);
      expect(Math.abs(box.width - box.height)).toBeLessThan(2);
    }
    const body = (await page.textContent('body'))!;
    expect(body).toContain(kyivEnergo.number);
    expect(body).toContain('UA50 3999 9900 0002 6000 0102 3000 0');
    expect(body).toContain('300,40');
    expect(await page.getByRole('link', { name: 'Відкрити в банківському застосунку' }).count()).toBe(2);
    // Its stylesheet came from the gateway, and the page's policy refused nothing.
    expect(await page.locator('.top').evaluate((element) => element.ownerDocument.defaultView!.getComputedStyle(element).display)).toBe('flex');
    expect(refused).toEqual([]);
    expect([...origins]).toEqual([new URL(t.url).origin]);
    await context.close();
  });
});
