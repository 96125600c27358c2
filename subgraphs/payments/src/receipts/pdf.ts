import { formatMinor } from '@kabinet/money';
import {
  BOLD,
  colors,
  type Column,
  CONTENT_WIDTH,
  currencyLabel,
  drawFields,
  drawPageFooters,
  drawSectionTitle,
  drawTable,
  Flow,
  formatAmount,
  formatDate,
  formatDateTime,
  formatMoney,
  MARGIN,
  measure,
  openDocument,
  rule,
  sectionTitleHeight,
  type TextStyle,
  write,
  writePair,
} from '@kabinet/pdf';

export interface ReceiptDocument {
  checkoutId: string;
  /** CAPTURED, or REVERSED: then the receipt says the payment was returned to the card, and when. */
  status: 'CAPTURED' | 'REVERSED';
  capturedAt: Date;
  /**
   * Paid by bank transfer: the bank day of the transfer that completed it (its registry row's
   * date). The receipt prints that day, not the time the registry reached Kabinet.
   */
  paidOn: string | null;
  reversedAt: Date | null;
  /** 'LIQPAY' or 'BANK_TRANSFER' */
  provider: string;
  /** The provider's transaction id, when known. */
  providerTransactionId: string | null;
  payerEmail: string | null;
  currency: string;
  totalMinor: number;
  /** The suppliers' time zone (IANA): the receipt's times are their customers' clock. */
  timeZone: string;
  items: { utility: 'electricity' | 'heat'; supplierName: string; accountNumber: string; amountMinor: number }[];
}

type Utility = ReceiptDocument['items'][number]['utility'];

const utilityLabels: Record<Utility, string> = {
  electricity: 'Електроенергія',
  heat: 'Теплопостачання та гаряча вода',
};

const methodLabels: Record<string, string> = { LIQPAY: 'LiqPay (картка)', BANK_TRANSFER: 'Переказ за реквізитами' };

/** For checkouts confirmed before utilities told their suppliers' zone: all of them were Ukraine's. */
export const defaultReceiptTimeZone = 'Europe/Kyiv';

// How the receipt names the clock its times are in.
const zoneNames: Record<string, string> = { 'Europe/Kyiv': 'за київським часом', 'Asia/Kamchatka': 'за камчатським часом' };

const TITLE = 'Квитанція про оплату';

/**
 * The PDF receipt for a paid checkout, laid out like the bills (A4, Ukrainian, DejaVu Sans).
 * Byte-for-byte reproducible: the file is dated by the capture, never by the clock.
 */
export async function renderReceiptPdf(receipt: ReceiptDocument): Promise<Buffer> {
  const { doc, output } = await openDocument({
    title: `${TITLE} ${receipt.checkoutId}`,
    subject: `Оплата ${formatMoney(formatMinor(receipt.totalMinor, receipt.currency), receipt.currency)}`,
    author: 'Kabinet',
    date: receipt.capturedAt,
  });

  const flow = new Flow(doc);
  drawHeader(flow, receipt);
  drawFields(flow, details(receipt));
  flow.y += 18;
  drawTable(flow, 'Оплачені послуги', itemColumns(receipt.currency), receipt.items.map((item) => itemRow(item, receipt.currency)));
  flow.y += 18;
  drawTotal(flow, receipt);
  drawPageFooters(doc, `${TITLE} № ${receipt.checkoutId}`);

  doc.end();
  return output;
}

const localTime = (instant: Date, timeZone: string) => `${formatDateTime(instant, timeZone)} (${zoneNames[timeZone] ?? `час ${timeZone}`})`;

function reversalNote(receipt: ReceiptDocument): string {
  return receipt.reversedAt ? `Платіж повернено на картку ${localTime(receipt.reversedAt, receipt.timeZone)}` : 'Платіж повернено на картку';
}

function drawHeader(flow: Flow, receipt: ReceiptDocument): void {
  const { doc } = flow;
  flow.y += write(doc, 'Kabinet', MARGIN, flow.y, { width: CONTENT_WIDTH, font: BOLD, size: 10, color: colors.muted });
  flow.y += 8;
  flow.y += write(doc, TITLE, MARGIN, flow.y, { width: CONTENT_WIDTH, font: BOLD, size: 17 });
  if (receipt.status === 'REVERSED') {
    flow.y += 6;
    flow.y += write(doc, reversalNote(receipt), MARGIN, flow.y, { width: CONTENT_WIDTH, font: BOLD, size: 11, color: colors.accent });
  }
  flow.y += 16;
}

function details(receipt: ReceiptDocument): [string, string][] {
  const fields: [string, string][] = [
    ['Номер платежу', receipt.checkoutId],
    receipt.paidOn ? ['Дата оплати', formatDate(receipt.paidOn)] : ['Дата і час оплати', localTime(receipt.capturedAt, receipt.timeZone)],
    ['Спосіб оплати', methodLabels[receipt.provider] ?? receipt.provider],
  ];
  if (receipt.providerTransactionId) fields.push(['Номер транзакції', receipt.providerTransactionId]);
  if (receipt.payerEmail) fields.push(['Платник', receipt.payerEmail]);
  fields.push(['Стан', receipt.status === 'REVERSED' ? 'Повернено на картку' : 'Оплачено']);
  return fields;
}

function itemColumns(currency: string): Column[] {
  return [
    { header: 'Послуга', width: 140, align: 'left' },
    { header: 'Постачальник', width: 175, align: 'left' },
    { header: 'Особовий рахунок', width: 125, align: 'left' },
    { header: `Сума, ${currencyLabel(currency)}`, width: 75, align: 'right' },
  ];
}

function itemRow(item: ReceiptDocument['items'][number], currency: string): string[] {
  return [utilityLabels[item.utility], item.supplierName, item.accountNumber, formatAmount(formatMinor(item.amountMinor, currency))];
}

const TOTAL_WIDTH = 300;

function drawTotal(flow: Flow, receipt: ReceiptDocument): void {
  const { doc } = flow;
  const total = formatMoney(formatMinor(receipt.totalMinor, receipt.currency), receipt.currency);
  const note = 'Кожен постачальник отримує свою суму окремо, на вказаний у таблиці особовий рахунок.';
  const x = MARGIN + CONTENT_WIDTH - TOTAL_WIDTH;
  const totalStyle: TextStyle = { width: TOTAL_WIDTH, size: 14, font: BOLD, color: colors.accent };
  const noteStyle: TextStyle = { width: CONTENT_WIDTH, size: 8, color: colors.muted };

  // The total and its note are read together: never split them across pages.
  flow.ensure(sectionTitleHeight(doc, 'Підсумок') + 8 + measure(doc, total, totalStyle) + 12 + measure(doc, note, noteStyle));
  drawSectionTitle(flow, 'Підсумок');
  rule(doc, x, flow.y, TOTAL_WIDTH, colors.accent, 1.2);
  flow.y += 8;
  flow.y += writePair(doc, ['Разом', total], x, flow.y, totalStyle, totalStyle);
  flow.y += 12;
  flow.y += write(doc, note, MARGIN, flow.y, noteStyle);
}
