import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { BillDocument, BillDocumentLine, BillMeterReading } from './document';
import { periodLabel as formatPeriod } from '../labels';

/**
 * The PDF copy of a bill: A4, Ukrainian, DejaVu Sans embedded (the standard PDF fonts have
 * no Cyrillic). The output is byte-for-byte reproducible: the same document always gives the
 * same file, so a stored copy can be compared with a re-rendered one.
 */
export async function renderBillPdf(document: BillDocument): Promise<Buffer> {
  const fonts = loadFonts();
  const title = document.title;
  // pdfkit stamps `new Date()` as the CreationDate and derives the trailer /ID from the info
  // dictionary; dating the file by the bill makes both a function of the document alone.
  const issued = utcMidnight(document.issuedOn);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    lang: 'uk',
    displayTitle: true,
    info: {
      Title: `${title}, ${formatPeriod(document.period)}`,
      Subject: `Особовий рахунок ${document.account.number}, код квитанції ${document.receiptCode}`,
      Author: document.supplier.name,
      Creator: 'Kabinet',
      CreationDate: issued,
      ModDate: issued,
    },
  });
  const output = collect(doc);
  doc.registerFont(REGULAR, fonts.regular).registerFont(BOLD, fonts.bold);

  const flow = new Flow(doc);
  drawHeader(flow, document);
  drawAccount(flow, document);
  if (document.meterReadings.length > 0) drawReadings(flow, document.meterReadings);
  drawCharges(flow, document);
  drawTotals(flow, document);
  drawFooters(doc, document);

  doc.end();
  return output;
}

const REGULAR = 'DejaVuSans';
const BOLD = 'DejaVuSans-Bold';
type FontName = typeof REGULAR | typeof BOLD;

const MARGIN = 40;
const CONTENT_WIDTH = 515;
const FOOTER_HEIGHT = 26;
const CELL_PADDING_X = 4;
const CELL_PADDING_Y = 3.5;

const colors = {
  text: '#1b1f24',
  muted: '#5c6673',
  rule: '#c5ccd5',
  accent: '#0b4a85',
  headerFill: '#e6ecf3',
  band: '#f5f7f9',
};


const currencyLabels: Record<string, string> = { UAH: 'грн' };

let fontCache: { regular: Buffer; bold: Buffer } | undefined;

function loadFonts(): { regular: Buffer; bold: Buffer } {
  if (!fontCache) {
    const require = createRequire(import.meta.url);
    fontCache = {
      regular: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
      bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
    };
  }
  return fontCache;
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

// --- formatting -------------------------------------------------------------------------

/** `"-12345.5"` → `"−12 345,5"`: thousands split by no-break spaces, decimal comma, true minus. */
export function formatAmount(amount: string): string {
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) throw new RangeError(`not a decimal amount: ${amount}`);
  const [, sign, whole = '', fraction] = match;
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${sign ? '−' : ''}${grouped}${fraction === undefined ? '' : `,${fraction}`}`;
}

function formatMoney(amount: string, currency: string): string {
  return `${formatAmount(amount)}\u00a0${currencyLabels[currency] ?? currency}`;
}

/** Meter values and quantities keep their digits (no grouping), only the decimal comma. */
function formatQuantity(value: string): string {
  return value.replace('.', ',').replace('-', '−');
}

function formatPercent(value: string): string {
  return formatQuantity(value.includes('.') ? value.replace(/\.?0+$/, '') : value);
}

/** `2026-11-03` → `03.11.2026`. */
function formatDate(date: string): string {
  const [year, month, day] = date.split('-');
  return `${day}.${month}.${year}`;
}


function utcMidnight(date: string): Date {
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime())) throw new RangeError(`not a date: ${date}`);
  return parsed;
}

// --- layout primitives ------------------------------------------------------------------

/** The vertical position on the current page; starts a new page when a block will not fit. */
class Flow {
  y = MARGIN;

  constructor(readonly doc: PDFKit.PDFDocument) {}

  /** Everything but the footer band; pdfkit's own page breaking is never reached. */
  get bottom(): number {
    return this.doc.page.height - MARGIN - FOOTER_HEIGHT;
  }

  /** Moves to a new page unless `height` still fits on this one; true when it did. */
  ensure(height: number): boolean {
    if (this.y + height <= this.bottom) return false;
    this.doc.addPage();
    this.y = MARGIN;
    return true;
  }
}

type Align = 'left' | 'center' | 'right';

interface TextStyle {
  width: number;
  font?: FontName;
  size?: number;
  color?: string;
  align?: Align;
  /** Cut to one line with an ellipsis; a fixed height also keeps pdfkit from breaking the page. */
  singleLine?: boolean;
}

function applyStyle(doc: PDFKit.PDFDocument, style: TextStyle): PDFKit.Mixins.TextOptions {
  doc
    .font(style.font ?? REGULAR)
    .fontSize(style.size ?? 9)
    .fillColor(style.color ?? colors.text);
  const options: PDFKit.Mixins.TextOptions = { width: style.width, align: style.align ?? 'left' };
  return style.singleLine ? { ...options, height: doc.currentLineHeight(true), ellipsis: true } : options;
}

function measure(doc: PDFKit.PDFDocument, text: string, style: TextStyle): number {
  return doc.heightOfString(text, applyStyle(doc, style));
}

/** Draws wrapped text with its top at `y` and returns its height. */
function write(doc: PDFKit.PDFDocument, text: string, x: number, y: number, style: TextStyle): number {
  const options = applyStyle(doc, style);
  const height = doc.heightOfString(text, options);
  doc.text(text, x, y, options);
  return height;
}

function rule(doc: PDFKit.PDFDocument, x: number, y: number, width: number, color = colors.rule, weight = 0.5): void {
  doc
    .moveTo(x, y)
    .lineTo(x + width, y)
    .lineWidth(weight)
    .strokeColor(color)
    .stroke();
}

interface Column {
  header: string;
  width: number;
  align: Align;
}

type RowStyle = 'header' | 'plain' | 'band';

function cellStyle(column: Column, row: RowStyle): TextStyle {
  return {
    width: column.width - 2 * CELL_PADDING_X,
    align: column.align,
    font: row === 'header' ? BOLD : REGULAR,
    size: row === 'header' ? 8 : 9,
    color: row === 'header' ? colors.muted : colors.text,
  };
}

function rowHeight(doc: PDFKit.PDFDocument, columns: Column[], cells: string[], row: RowStyle): number {
  const heights = columns.map((column, i) => measure(doc, cells[i] ?? '', cellStyle(column, row)));
  return Math.max(...heights) + 2 * CELL_PADDING_Y;
}

/** One table row across the content width, top at `y`; returns its height. */
function drawRow(doc: PDFKit.PDFDocument, columns: Column[], cells: string[], y: number, row: RowStyle): number {
  const height = rowHeight(doc, columns, cells, row);
  if (row !== 'plain') {
    doc
      .rect(MARGIN, y, CONTENT_WIDTH, height)
      .fill(row === 'header' ? colors.headerFill : colors.band);
  }
  let x = MARGIN;
  columns.forEach((column, i) => {
    write(doc, cells[i] ?? '', x + CELL_PADDING_X, y + CELL_PADDING_Y, cellStyle(column, row));
    x += column.width;
  });
  rule(doc, MARGIN, y + height, CONTENT_WIDTH);
  return height;
}

const sectionTitleStyle: TextStyle = { width: CONTENT_WIDTH, font: BOLD, size: 11, color: colors.accent };

function sectionTitleHeight(doc: PDFKit.PDFDocument, title: string): number {
  return measure(doc, title, sectionTitleStyle) + 5;
}

function drawSectionTitle(flow: Flow, title: string): void {
  write(flow.doc, title, MARGIN, flow.y, sectionTitleStyle);
  flow.y += sectionTitleHeight(flow.doc, title);
}

/**
 * A titled table that continues on further pages, repeating its title and column headers
 * there. The title, the headers and the first row are kept together.
 */
function drawTable(flow: Flow, title: string, columns: Column[], rows: string[][]): void {
  const { doc } = flow;
  const headers = columns.map((column) => column.header);
  const drawHeading = (text: string) => {
    drawSectionTitle(flow, text);
    flow.y += drawRow(doc, columns, headers, flow.y, 'header');
  };

  const first = rows[0] ? rowHeight(doc, columns, rows[0], 'plain') : 0;
  flow.ensure(sectionTitleHeight(doc, title) + rowHeight(doc, columns, headers, 'header') + first);
  drawHeading(title);
  rows.forEach((cells, i) => {
    const style: RowStyle = i % 2 === 1 ? 'band' : 'plain';
    if (flow.ensure(rowHeight(doc, columns, cells, style))) drawHeading(`${title} (продовження)`);
    flow.y += drawRow(doc, columns, cells, flow.y, style);
  });
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
function drawPair(doc: PDFKit.PDFDocument, x: number, y: number, pair: [string, string], strong: boolean): number {
  const width = CODE_BOX_WIDTH;
  const [label, value] = pair;
  const size = strong ? 10.5 : 9.5;
  const labelHeight = write(doc, label, x, y, { width, size, color: colors.muted });
  const valueHeight = write(doc, value, x, y, { width, size, font: strong ? BOLD : REGULAR, align: 'right' });
  return Math.max(labelHeight, valueHeight);
}

function drawAccount(flow: Flow, bill: BillDocument): void {
  const { doc } = flow;
  const { account } = bill;
  const rows: [string, string][] = [
    ['Особовий рахунок', account.number],
    ['Споживач', account.holderName],
    ['Адреса', account.address],
  ];
  if (account.kind === 'BUSINESS' && account.contractNumber) rows.push(['Договір', account.contractNumber]);

  const labelWidth = 120;
  const padding = 8;
  const label: TextStyle = { width: labelWidth, size: 9, color: colors.muted };
  const value: TextStyle = { width: CONTENT_WIDTH - labelWidth - 2 * padding, size: 9.5, font: BOLD };
  const heights = rows.map(([, text]) => measure(doc, text, value) + 3);
  const total = heights.reduce((sum, height) => sum + height, 0) + 2 * padding - 3;

  flow.ensure(total);
  doc.rect(MARGIN, flow.y, CONTENT_WIDTH, total).fill(colors.band);
  let y = flow.y + padding;
  rows.forEach(([name, text], i) => {
    write(doc, name, MARGIN + padding, y + 0.5, label);
    write(doc, text, MARGIN + padding + labelWidth, y, value);
    y += heights[i] ?? 0;
  });
  flow.y += total + 18;
}

const readingColumns: Column[] = [
  { header: 'Лічильник №', width: 110, align: 'left' },
  { header: 'Зона', width: 85, align: 'left' },
  { header: 'Попередні', width: 80, align: 'right' },
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
  const label = currencyLabels[currency] ?? currency;
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
    write(doc, label, x, flow.y, { ...line, color: colors.muted });
    write(doc, formatMoney(amount, currency), x, flow.y, { ...line, align: 'right' });
    flow.y += lineHeight;
  }
  rule(doc, x, flow.y + 2, TOTALS_WIDTH, colors.accent, 1.2);
  flow.y += 8;
  write(doc, dueLabel, x, flow.y, dueStyle);
  flow.y += write(doc, due, x, flow.y, { ...dueStyle, align: 'right' });
  flow.y += 12;
  flow.y += write(doc, note, MARGIN, flow.y, noteStyle);
}

/** Drawn last, on every buffered page, because the page count is only known at the end. */
function drawFooters(doc: PDFKit.PDFDocument, bill: BillDocument): void {
  const { start, count } = doc.bufferedPageRange();
  const { account, receiptCode, period } = bill;
  const left = `Особовий рахунок ${account.number} · Код квитанції ${receiptCode} · ${formatPeriod(period)}`;
  const style: TextStyle = { width: CONTENT_WIDTH - 100, size: 7.5, color: colors.muted, singleLine: true };
  for (let index = start; index < start + count; index++) {
    doc.switchToPage(index);
    const top = doc.page.height - MARGIN - FOOTER_HEIGHT + 8;
    rule(doc, MARGIN, top, CONTENT_WIDTH);
    write(doc, left, MARGIN, top + 5, style);
    write(doc, `Сторінка ${index - start + 1} з ${count}`, MARGIN + CONTENT_WIDTH - 90, top + 5, {
      ...style,
      width: 90,
      align: 'right',
    });
  }
}
