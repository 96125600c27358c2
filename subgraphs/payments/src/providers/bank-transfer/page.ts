import type { Locale } from '@kabinet/errors';
import { html, Html, joinHtml, page, statusRegion } from '@kabinet/http/html';
import type { CheckoutItemRow, CheckoutRow } from '../../checkout/service';
import { qrSvg } from './nbu-qr';
import { transferOf, type TransferDetails } from './transfers';

type Words = Record<Locale, string>;

const words = {
  title: { uk: 'Оплата за реквізитами', en: 'Pay by bank transfer', ru: 'Оплата по реквизитам' },
  howTo: {
    uk: 'Сплатіть кожен рахунок окремим переказом з будь-якого банківського застосунку: відскануйте його QR-код або введіть реквізити. Призначення платежу надсилайте як є: за ним постачальник зарахує оплату, а Kabinet позначить її сплаченою, щойно банк постачальника повідомить про надходження (зазвичай за 1–2 банківські дні).',
    en: "Pay each account with a transfer of its own from any banking app: scan its QR code or type the details in. Send the purpose as it is: by it the supplier credits the payment, and Kabinet marks it paid once the supplier's bank reports it (usually in 1–2 banking days).",
    ru: 'Оплатите каждый счёт отдельным переводом из любого банковского приложения: отсканируйте его QR-код или введите реквизиты. Назначение платежа отправляйте как есть: по нему поставщик зачислит оплату, а Kabinet отметит её оплаченной, как только банк поставщика сообщит о поступлении (обычно за 1–2 банковских дня).',
  },
  validUntil: { uk: 'Реквізити дійсні до', en: 'These details are valid until', ru: 'Реквизиты действительны до' },
  paid: { uk: 'Усі перекази надійшли: оплату зараховано.', en: 'Every transfer has arrived: the payment is credited.', ru: 'Все переводы поступили: оплата зачислена.' },
  expired: {
    uk: 'Ці реквізити вже не діють. Якщо ви вже сплатили, оплату буде зараховано, щойно вона надійде; інакше створіть нову оплату.',
    en: 'These details are no longer valid. If you have paid, the payment is credited when it arrives; otherwise start a new payment.',
    ru: 'Эти реквизиты больше не действуют. Если вы уже оплатили, оплата будет зачислена, как только поступит; иначе создайте новую оплату.',
  },
  cancelled: { uk: 'Цю оплату скасовано: не сплачуйте за цими реквізитами.', en: 'This payment was cancelled: do not pay by these details.', ru: 'Эта оплата отменена: не оплачивайте по этим реквизитам.' },
  recipient: { uk: 'Отримувач', en: 'Recipient', ru: 'Получатель' },
  recipientCode: { uk: 'Код ЄДРПОУ', en: 'Recipient code (ЄДРПОУ)', ru: 'Код ЕГРПОУ' },
  amount: { uk: 'Сума', en: 'Amount', ru: 'Сумма' },
  purpose: { uk: 'Призначення платежу', en: 'Purpose of payment', ru: 'Назначение платежа' },
  account: { uk: 'Особовий рахунок', en: 'Account', ru: 'Лицевой счёт' },
  received: { uk: 'Надійшло', en: 'Received', ru: 'Поступило' },
  openInApp: { uk: 'Відкрити в банківському застосунку', en: 'Open in a banking app', ru: 'Открыть в банковском приложении' },
  qr: { uk: 'QR-код переказу для банківського застосунку', en: "The transfer's QR code for a banking app", ru: 'QR-код перевода для банковского приложения' },
} satisfies Record<string, Words>;

const localeTag: Record<Locale, string> = { uk: 'uk-UA', en: 'en-GB', ru: 'ru-RU' };

const amountText = (minor: number, currency: string, locale: Locale) =>
  new Intl.NumberFormat(localeTag[locale], { style: 'currency', currency }).format(minor / 100);

/** An IBAN as banks print it, in groups of four, so that it is read (and wraps) group by group. */
export const inGroups = (iban: string) => iban.replace(/(.{4})(?=.)/g, '$1 ');

/** What the page tells of the checkout as a whole, and whether it still offers its details for paying. */
function standing(checkout: CheckoutRow): { message: string; payable: boolean } {
  const locale = checkout.locale as Locale;
  if (checkout.status === 'PENDING') return { message: words.howTo[locale], payable: true };
  if (checkout.status === 'CAPTURED') return { message: words.paid[locale], payable: false };
  if (checkout.status === 'FAILED') return { message: words.expired[locale], payable: false };
  return { message: words.cancelled[locale], payable: false };
}

async function itemSection(item: CheckoutItemRow, transfer: TransferDetails, locale: Locale, payable: boolean): Promise<Html> {
  const field = (label: string, value: string, className?: string) =>
    html`<dt>${label}</dt><dd${className ? new Html(` class="${className}"`) : undefined}>${value}</dd>`;
  return html`<section class="transfer" data-reference="${transfer.reference}">
<h2>${item.supplierName ?? ''}</h2>
<dl>
${field(words.account[locale], item.accountNumber ?? '')}
${field(words.amount[locale], amountText(transfer.amountMinor, transfer.currency, locale), 'amount')}
${field(words.recipient[locale], transfer.recipient)}
${field(words.recipientCode[locale], transfer.recipientCode)}
${field('IBAN', inGroups(transfer.iban), 'iban')}
${field(words.purpose[locale], transfer.purpose, 'purpose')}
${transfer.receivedMinor > 0 ? field(words.received[locale], amountText(transfer.receivedMinor, transfer.currency, locale), 'received') : undefined}
</dl>
${payable ? html`<figure class="qr" role="img" aria-label="${words.qr[locale]}">${new Html(await qrSvg(transfer.qrLink))}</figure>
<p><a class="bank-app" href="${transfer.qrLink}">${words.openInApp[locale]}</a></p>` : undefined}
</section>`;
}

/** The checkout's transfers: one section per item with its details and, while it may be paid, its NBU QR code. */
export async function renderTransferPage(checkout: CheckoutRow, items: CheckoutItemRow[]): Promise<string> {
  const locale = checkout.locale as Locale;
  const { message, payable } = standing(checkout);
  const sections: Html[] = [];
  for (const item of items) {
    const transfer = transferOf(item, checkout.currency);
    if (transfer) sections.push(await itemSection(item, transfer, locale, payable));
  }
  const timeZone = items[0]?.supplierTimeZone ?? 'Europe/Kyiv';
  const until = checkout.pageExpiresAt
    ? new Intl.DateTimeFormat(localeTag[locale], { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(checkout.pageExpiresAt)
    : null;
  return page({
    language: locale,
    title: words.title[locale],
    main: html`${statusRegion(message, 'info')}
${payable && until ? html`<p class="hint">${words.validUntil[locale]} ${until}.</p>` : undefined}
${joinHtml(sections)}`,
  });
}
