import { majorUnits } from './protocol';
import type { SandboxOrder } from './sandbox';

/** The sandbox's pages speak the language the merchant asked for: Ukrainian unless English. */
export interface PageText {
  language: 'uk' | 'en';
}

const words = {
  uk: {
    title: 'Оплата карткою — пісочниця LiqPay',
    banner: 'Тестова оплата: гроші не списуються',
    amount: 'До сплати',
    recipients: 'Отримувачі',
    card: 'Номер картки',
    expiry: 'Термін дії',
    cvv: 'CVV',
    pay: 'Сплатити',
    decline: 'Відхилити',
    threeDs: '3-D Secure, потім сплатити',
    badCard: 'Введіть 16 цифр номера картки',
    otpTitle: 'Підтвердження 3-D Secure',
    otpHint: 'Код із SMS у пісочниці: 111111',
    otp: 'Код',
    confirm: 'Підтвердити',
    paid: 'Оплату виконано',
    failed: 'Оплату відхилено',
    reversed: 'Оплату повернено на картку',
  },
  en: {
    title: 'Card payment — LiqPay sandbox',
    banner: 'Test payment: no money is taken',
    amount: 'Amount',
    recipients: 'Recipients',
    card: 'Card number',
    expiry: 'Expiry',
    cvv: 'CVV',
    pay: 'Pay',
    decline: 'Decline',
    threeDs: '3-D Secure then pay',
    badCard: 'Enter the card number’s 16 digits',
    otpTitle: '3-D Secure confirmation',
    otpHint: 'The sandbox’s SMS code: 111111',
    otp: 'Code',
    confirm: 'Confirm',
    paid: 'Payment complete',
    failed: 'Payment declined',
    reversed: 'Payment returned to the card',
  },
} as const;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

const amountOf = (minor: number, currency: string) => `${majorUnits(minor).toFixed(2)} ${escapeHtml(currency)}`;

export function page(title: string, body: string, language: string): string {
  return `<!doctype html>
<html lang="${escapeHtml(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; background: #f3f5f7; color: #1b1f24; margin: 0; }
  main { max-width: 26rem; margin: 2rem auto; background: #fff; padding: 1.5rem; border-radius: 12px; box-shadow: 0 1px 4px #0002; }
  .banner { background: #fff4d6; padding: .5rem .75rem; border-radius: 6px; font-size: .9rem; }
  .amount { font-size: 1.6rem; font-weight: 700; margin: .25rem 0 1rem; }
  label { display: block; margin: .75rem 0 .25rem; font-size: .9rem; }
  input { width: 100%; box-sizing: border-box; padding: .55rem; font-size: 1rem; border: 1px solid #c5ccd5; border-radius: 6px; }
  .row { display: flex; gap: .75rem; } .row > div { flex: 1; }
  button { width: 100%; margin-top: .75rem; padding: .7rem; font-size: 1rem; border-radius: 6px; border: 0; cursor: pointer; }
  .primary { background: #7ab72b; color: #fff; } .secondary { background: #e6ecf3; }
  .error { color: #b00020; }
  ul { padding-left: 1.1rem; }
</style>
</head>
<body><main>${body}</main></body>
</html>`;
}

export function paymentPage(order: SandboxOrder, text: PageText, problem?: 'card'): string {
  const w = words[text.language];
  const recipients = order.splits.length
    ? `<h2>${w.recipients}</h2><ul>${order.splits.map((split) => `<li>${escapeHtml(split.publicKey)}: ${amountOf(split.amountMinor, order.currency)}</li>`).join('')}</ul>`
    : '';
  return page(
    w.title,
    `<p class="banner">${w.banner}</p>
<h1>LiqPay</h1>
<p>${escapeHtml(order.description)}</p>
<p>${w.amount}</p>
<p class="amount" data-testid="amount">${amountOf(order.amountMinor, order.currency)}</p>
${recipients}
<form method="post" action="/checkout/${order.session}">
  ${problem === 'card' ? `<p class="error" role="alert">${w.badCard}</p>` : ''}
  <label for="card">${w.card}</label>
  <input id="card" name="card" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242">
  <div class="row">
    <div><label for="expiry">${w.expiry}</label><input id="expiry" name="expiry" placeholder="12/30" autocomplete="cc-exp"></div>
    <div><label for="cvv">${w.cvv}</label><input id="cvv" name="cvv" inputmode="numeric" placeholder="123" autocomplete="cc-csc"></div>
  </div>
  <button class="primary" name="choice" value="pay">${w.pay}</button>
  <button class="secondary" name="choice" value="3ds">${w.threeDs}</button>
  <button class="secondary" name="choice" value="decline" formnovalidate>${w.decline}</button>
</form>`,
    text.language,
  );
}

export function threeDsPage(order: SandboxOrder, text: PageText): string {
  const w = words[text.language];
  return page(
    w.otpTitle,
    `<p class="banner">${w.banner}</p>
<h1>${w.otpTitle}</h1>
<p class="amount">${amountOf(order.amountMinor, order.currency)}</p>
<p>${w.otpHint}</p>
<form method="post" action="/checkout/${order.session}/3ds">
  <label for="otp">${w.otp}</label>
  <input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code">
  <button class="primary">${w.confirm}</button>
</form>`,
    text.language,
  );
}

export function resultPage(order: SandboxOrder, text: PageText): string {
  const w = words[text.language];
  const outcome = order.status === 'reversed' ? w.reversed : order.status === 'success' || order.status === 'sandbox' ? w.paid : w.failed;
  return page(w.title, `<h1>${outcome}</h1><p class="amount">${amountOf(order.amountMinor, order.currency)}</p><p>${escapeHtml(order.description)}</p>`, text.language);
}
