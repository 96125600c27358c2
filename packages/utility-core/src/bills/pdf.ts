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
  formatMoney,
  formatPercent,
  formatQuantity,
  MARGIN,
  measure,
  openDocument,
  type PdfDocument,
  REGULAR,
  rule,
  sectionTitleHeight,
  type TextStyle,
  write,
  writePair,
} from '@kabinet/pdf';
import type { BillDocument, BillDocumentLine, BillMeterReading } from './document';
import { periodLabel as formatPeriod } from '../labels';

// The bill's tests check its amounts' format through this module.
export { formatAmount };

/**
 * The PDF copy of a bill: A4, Ukrainian, DejaVu Sans embedded (the standard PDF fonts have
 * no Cyrillic). The output is byte-for-byte reproducible: the same document always gives the
 * same file, so a stored copy can be compared with a re-rendered one.
 */
export async function renderBillPdf(document: BillDocument): Promise<Buffer> {
  const { doc, output } = await openDocument({
    title: `${document.title}, ${formatPeriod(document.period)}`,
    subject: `Особовий рахунок ${document.account.number}, код квитанції ${document.receiptCode}`,
    author: document.supplier.name,
    date: utcMidnight(document.issuedOn),
  });

  const flow = new Flow(doc);
  drawHeader(flow, document);
  drawAccount(flow, document);
  if (document.meterReadings.length > 0) drawReadings(flow, document.meterReadings);
  drawCharges(flow, document);
  drawTotals(flow, document);
  const { account, receiptCode, period } = document;
  drawPageFooters(doc, `Особовий рахунок ${account.number} · Код квитанції ${receiptCode} · ${formatPeriod(period)}`);

  doc.end();
  return output;
}

function utcMidnight(date: string): Date {
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime())) throw new RangeError(`not a date: ${date}`);
  return parsed;
}

// --- sections ---------------------------------------------------------------------------

const CODE_BOX_WIDTH = 190;

function drawHeader(flow: Flow, bill: BillDocument): void {
  const { doc } = flow;
  const leftWidth = CONTENT_WIDTH - CODE_BOX_WIDTH - 24;

  let left = MARGIN;
  const supplier: TextStyle = { width: leftWidth, font: BOLD, size: 10, color: colors.muted };
  left += write(doc, bill.supplier.name, MARGIN, left, supplier);
  left += 8;
  left += write(doc, bill.title, MARGIN, left, { width: leftWidth, font: BOLD, size: 17 });
  left += 4;
  left += write(doc, `Період: ${formatPeriod(bill.period)}`, MARGIN, left, { width: leftWidth, size: 11 });

  const boxX = MARGIN + CONTENT_WIDTH - CODE_BOX_WIDTH;
  const inner = CODE_BOX_WIDTH - 20;
  const codeLabel = { width: inner, size: 8, color: colors.muted } satisfies TextStyle;
  const code = { width: inner, font: BOLD, size: 16, color: colors.accent } satisfies TextStyle;
  const boxHeight = 20 + measure(doc, 'Код квитанції', codeLabel) + measure(doc, bill.receiptCode, code);
  doc.lineWidth(1.2).rect(boxX, MARGIN, CODE_BOX_WIDTH, boxHeight).stroke(colors.accent);
  let right = MARGIN + 8;
  right += write(doc, 'Код квитанції', boxX + 10, right, codeLabel);
  right += 3;
  write(doc, bill.receiptCode, boxX + 10, right, code);

  right = MARGIN + boxHeight + 8;
  right += drawPair(doc, boxX, right, ['Дата рахунку', formatDate(bill.issuedOn)], false);
  right += 3;
  right += drawPair(doc, boxX, right, ['Сплатити до', formatDate(bill.dueDate)], true);

  flow.y = Math.max(left, right) + 16;
}

/** A label on the left and its value on the right of the same line, under the code box. */
function drawPair(doc: PdfDocument, x: number, y: number, pair: [string, string], strong: boolean): number {
  const width = CODE_BOX_WIDTH;
  const size = strong ? 10.5 : 9.5;
  return writePair(doc, pair, x, y, { width, size, color: colors.muted }, { width, size, font: strong ? BOLD : REGULAR });
}

function drawAccount(flow: Flow, bill: BillDocument): void {
  const { account } = bill;
  const rows: [string, string][] = [
    ['Особовий рахунок', account.number],
    ['Споживач', account.holderName],
    ['Адреса', account.address],
  ];
  if (account.kind === 'BUSINESS' && account.contractNumber) rows.push(['Договір', account.contractNumber]);
  drawFields(flow, rows);
  flow.y += 18;
}

// A serial as makers print them ("MERCURY-201-8841207", about 106 pt at 9 pt) on one line: a
// serial split across lines is misread when the household compares it with its meter. Zones need
// at most "Гаряча вода" (58 pt).
const readingColumns: Column[] = [
  { header: 'Лічильник №', width: 130, align: 'left' },
  { header: 'Зона', width: 70, align: 'left' },
  { header: 'Попередні', width: 75, align: 'right' },
  { header: 'Поточні', width: 100, align: 'right' },
  { header: 'Спожито', width: 80, align: 'right' },
  { header: 'Од. виміру', width: 60, align: 'left' },
];

const ESTIMATE_MARK = 'оцінка*';

function readingRow(reading: BillMeterReading): string[] {
  const current = formatQuantity(reading.current);
  return [
    reading.serialNumber,
    reading.zone,
    formatQuantity(reading.previous),
    reading.estimated ? `${current} (${ESTIMATE_MARK})` : current,
    formatQuantity(reading.consumption),
    reading.unit,
  ];
}

function drawReadings(flow: Flow, readings: BillMeterReading[]): void {
  drawTable(flow, 'Показники лічильників', readingColumns, readings.map(readingRow));
  if (readings.some((reading) => reading.estimated)) {
    const note = '* Оцінка: поточний показник визначено розрахунково, бо показання лічильника не було передано.';
    const style: TextStyle = { width: CONTENT_WIDTH, size: 8, color: colors.muted };
    flow.y += 4;
    flow.ensure(measure(flow.doc, note, style));
    flow.y += write(flow.doc, note, MARGIN, flow.y, style);
  }
  flow.y += 18;
}

function chargeColumns(currency: string): Column[] {
  const label = currencyLabel(currency);
  return [
    { header: 'Послуга', width: 245, align: 'left' },
    { header: 'Кількість', width: 100, align: 'right' },
    { header: `Тариф, ${label}`, width: 80, align: 'right' },
    { header: `Сума, ${label}`, width: 90, align: 'right' },
  ];
}

function chargeRow(line: BillDocumentLine): string[] {
  const quantity = line.quantity === null ? '' : `${formatQuantity(line.quantity)} ${line.unit ?? ''}`.trim();
  const unitPrice = line.unitPrice === null ? '' : formatAmount(line.unitPrice);
  return [line.description, quantity, unitPrice, formatAmount(line.amount)];
}

function drawCharges(flow: Flow, bill: BillDocument): void {
  drawTable(flow, 'Нарахування', chargeColumns(bill.currency), bill.lines.map(chargeRow));
  flow.y += 18;
}

const TOTALS_WIDTH = 300;

function drawTotals(flow: Flow, bill: BillDocument): void {
  const { doc } = flow;
  const { totals, currency } = bill;
  const rows: [string, string][] = [
    ['Борг/переплата на початок періоду', totals.opening],
    [totals.vat ? 'Нараховано (без ПДВ)' : 'Нараховано', totals.charges],
  ];
  if (totals.vat) rows.push([`ПДВ ${formatPercent(totals.vat.ratePercent)}%`, totals.vat.amount]);
  rows.push(['Перерахунки', totals.corrections], ['Оплачено', totals.payments], ['Коригування', totals.adjustments]);

  const overpaid = totals.amountDue.trim().startsWith('-');
  const dueLabel = overpaid ? 'Переплата' : 'До сплати';
  const due = formatMoney(overpaid ? totals.amountDue.trim().slice(1) : totals.amountDue, currency);
  const note = overpaid
    ? 'Переплату буде зараховано в рахунок наступних нарахувань.'
    : `Під час оплати вкажіть особовий рахунок ${bill.account.number} і код квитанції ${bill.receiptCode}.`;

  const x = MARGIN + CONTENT_WIDTH - TOTALS_WIDTH;
  const line: TextStyle = { width: TOTALS_WIDTH, size: 9.5 };
  const dueStyle: TextStyle = { width: TOTALS_WIDTH, size: 14, font: BOLD, color: colors.accent };
  const noteStyle: TextStyle = { width: CONTENT_WIDTH, size: 8, color: colors.muted };
  const lineHeight = measure(doc, 'Нараховано', line) + 4;
  const height =
    sectionTitleHeight(doc, 'Підсумок') +
    rows.length * lineHeight +
    8 +
    measure(doc, dueLabel, dueStyle) +
    12 +
    measure(doc, note, noteStyle);

  // The totals are read as one calculation: never split them across pages.
  flow.ensure(height);
  drawSectionTitle(flow, 'Підсумок');
  for (const [label, amount] of rows) {
    writePair(doc, [label, formatMoney(amount, currency)], x, flow.y, { ...line, color: colors.muted }, line);
    flow.y += lineHeight;
  }
  rule(doc, x, flow.y + 2, TOTALS_WIDTH, colors.accent, 1.2);
  flow.y += 8;
  flow.y += writePair(doc, [dueLabel, due], x, flow.y, dueStyle, dueStyle);
  flow.y += 12;
  flow.y += write(doc, note, MARGIN, flow.y, noteStyle);
}
