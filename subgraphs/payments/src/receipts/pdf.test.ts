import { pdfFonts, pdfPageCount, pdfText } from '@kabinet/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ReceiptDocument, renderReceiptPdf } from './pdf';

const receipt: ReceiptDocument = {
  checkoutId: '5f0c2a9e-7d41-4b8e-9a63-0e2d7c1b4f58',
  status: 'CAPTURED',
  capturedAt: new Date('2026-11-03T12:05:00Z'),
  paidOn: null,
  reversedAt: null,
  provider: 'LIQPAY',
  providerTransactionId: '2417385960',
  payerEmail: 'olena.shevchenko@example.com',
  currency: 'UAH',
  totalMinor: 358_275,
  timeZone: 'Europe/Kyiv',
  items: [
    { utility: 'electricity', supplierName: 'ТОВ «Київські енергетичні послуги»', accountNumber: '2604118537', amountMinor: 124_050 },
    { utility: 'heat', supplierName: 'КП «Полтаватеплоенерго»', accountNumber: 'ПТ-004417', amountMinor: 234_225 },
  ],
};

describe('renderReceiptPdf', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives the same bytes for the same receipt, whatever the clock says', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2027-03-04T05:06:07Z'));
    const first = await renderReceiptPdf(receipt);
    vi.setSystemTime(new Date('2031-08-09T10:11:12Z'));
    const second = await renderReceiptPdf(receipt);

    expect(first.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(first.equals(second)).toBe(true);
    expect(first.toString('latin1')).toContain('(D:20261103120500Z)');
  });

  it('prints every supplier, account and amount, and the total', async () => {
    const pdf = await renderReceiptPdf(receipt);
    const text = pdfText(pdf);
    // Without layout a cell wrapped onto two lines reads back whole.
    const cells = pdfText(pdf, { layout: false });

    expect(pdfPageCount(pdf)).toBe(1);
    expect(text).toContain('Квитанція про оплату');
    expect(text).toContain('Номер платежу 5f0c2a9e-7d41-4b8e-9a63-0e2d7c1b4f58');
    expect(text).toContain('03.11.2026 14:05');
    expect(text).toContain('за київським часом');
    expect(text).toContain('LiqPay (картка)');
    for (const expected of [
      'Електроенергія',
      'ТОВ «Київські енергетичні послуги»',
      '2604118537',
      '1 240,50',
      'Теплопостачання та гаряча вода',
      'КП «Полтаватеплоенерго»',
      'ПТ-004417',
      '2 342,25',
    ]) {
      expect(cells).toContain(expected);
    }
    expect(text).toContain('Разом 3 582,75 грн');
    expect(text).toContain('Кожен постачальник отримує свою суму окремо');
    expect(text).not.toContain('повернено');
  });

  it('says when a reversed payment went back to the card', async () => {
    const text = pdfText(await renderReceiptPdf({ ...receipt, status: 'REVERSED', reversedAt: new Date('2026-11-05T08:30:00Z') }));
    expect(text).toContain('Платіж повернено на картку 05.11.2026 10:30');
  });

  it('dates a bank transfer by the day its bank paid it, not by when its registry came', async () => {
    const text = pdfText(await renderReceiptPdf({ ...receipt, provider: 'BANK_TRANSFER', providerTransactionId: null, paidOn: '2026-11-01' }));
    expect(text).toContain('Дата оплати 01.11.2026');
    expect(text).toContain('Переказ за реквізитами');
    expect(text).not.toContain('03.11.2026');
  });

  it('embeds DejaVu Sans and no other font', async () => {
    for (const font of pdfFonts(await renderReceiptPdf(receipt))) {
      expect(font.name).toMatch(/^[A-Z]{6}\+DejaVuSans(-Bold)?$/);
      expect(font.embedded, `${font.name} is not embedded`).toBe(true);
    }
  });

  it("tells the times in the suppliers' clock: Kamchatka's is twelve hours ahead of UTC", async () => {
    const text = pdfText(await renderReceiptPdf({ ...receipt, status: 'REVERSED', reversedAt: new Date('2026-11-03T12:30:00Z'), timeZone: 'Asia/Kamchatka' }));
    expect(text).toContain('04.11.2026 00:05 (за камчатським часом)');
    expect(text).toContain('04.11.2026 00:30 (за камчатським часом)');
    expect(text).not.toContain('київським');
  });
});
