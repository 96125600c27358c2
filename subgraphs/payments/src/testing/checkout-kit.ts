import { setTimeout as sleep } from 'node:timers/promises';
import { stableId } from '@kabinet/demo';
import type { TestStack } from '@kabinet/testing';

/** A demo account's id, derived as the utility seeds derive it. */
export const demoAccountId = (utility: 'electricity' | 'heat', supplierCode: string, accountNumber: string) =>
  stableId(`${utility}:${supplierCode}:${accountNumber}`);

/** The demo login's accounts: two suppliers of electricity, two of heat. */
export const demoAccounts = {
  kyivEnergo: { utility: 'ELECTRICITY', accountId: demoAccountId('electricity', 'kyiv-energo', '10234567'), number: '10234567', supplier: 'Київські енергетичні послуги' },
  lvivEnergo: { utility: 'ELECTRICITY', accountId: demoAccountId('electricity', 'lviv-energo', '46-208311'), number: '46-208311', supplier: 'Львівенергозбут' },
  kyivTeplo: { utility: 'HEAT', accountId: demoAccountId('heat', 'kyiv-teplo', '260114400118700'), number: '260114400118700', supplier: 'Київтеплоенерго' },
  poltavaTeplo: { utility: 'HEAT', accountId: demoAccountId('heat', 'poltava-teplo', '5300712405'), number: '5300712405', supplier: 'Полтаватеплоенерго' },
} as const;

export const checkoutFields = `id status total { amount currency } paymentUrl providerStatus refusal alreadyPaid receiptUrl capturedAt
  items { utility accountId amount { amount currency } supplierName accountNumber alreadyPaid }`;

export const createCheckoutMutation = `mutation Pay($input: CreateCheckoutInput!) { createCheckout(input: $input) { ${checkoutFields} } }`;
export const checkoutQuery = `query Checkout($id: ID!) { checkout(id: $id) { ${checkoutFields} } }`;

export interface CheckoutItemInput {
  utility: string;
  accountId: string;
  amount: string;
}

export const checkoutInput = (t: TestStack, items: CheckoutItemInput[], idempotencyKey = `key-${crypto.randomUUID()}`) => ({
  items,
  provider: 'LIQPAY',
  idempotencyKey,
  returnUrl: `${t.stack.gateway.url.replace('localhost', '127.0.0.1')}/payments/return`,
});

/** Polls until `check` gives a value (not undefined), failing after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** `3ds-abandoned`: the payer reaches the bank's 3-D Secure code and goes no further. */
export type SandboxChoice = 'pay' | 'decline' | '3ds' | '3ds-abandoned';

/**
 * Pays (or declines) on the sandbox's checkout page as a browser's form posts would: opens
 * `paymentUrl`, posts the card form, and, for 3-D Secure, the one-time code. Answers where the
 * payer's browser is sent at the end.
 */
export async function payOnSandbox(paymentUrl: string, choice: SandboxChoice, card = '4242424242424242'): Promise<{ status: number; location: string | null; html: string }> {
  const opened = await fetch(paymentUrl);
  const html = await opened.text();
  if (!opened.ok) throw new Error(`the payment page answered ${opened.status}: ${html.slice(0, 300)}`);
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no payment form on the page: ${html.slice(0, 300)}`);
  const origin = new URL(paymentUrl).origin;
  const posted = await fetch(new URL(action, origin), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ card, expiry: '12/30', cvv: '123', choice: choice === '3ds-abandoned' ? '3ds' : choice }),
    redirect: 'manual',
  });
  if (choice === '3ds-abandoned') return { status: posted.status, location: null, html: await posted.text() };
  if (choice !== '3ds') return { status: posted.status, location: posted.headers.get('location'), html: await posted.text() };
  const challenge = await posted.text();
  const otpAction = /<form method="post" action="([^"]+)"/.exec(challenge)?.[1];
  if (!otpAction) throw new Error(`no 3-D Secure form: ${challenge.slice(0, 300)}`);
  const confirmed = await fetch(new URL(otpAction, origin), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ otp: '111111' }),
    redirect: 'manual',
  });
  return { status: confirmed.status, location: confirmed.headers.get('location'), html: await confirmed.text() };
}
