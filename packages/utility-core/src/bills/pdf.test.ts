import { pdfFonts, pdfPageCount, pdfPageInk, pdfText } from '@kabinet/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { periodLabel } from '../labels';
import { formatAmount, renderBillPdf } from './pdf';
import { businessBill, longBill, residentialHeatBill } from './pdf.fixtures';

describe('renderBillPdf', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives the same bytes for the same bill, whatever the clock says', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2027-03-04T05:06:07Z'));
    const first = await renderBillPdf(businessBill);
    vi.setSystemTime(new Date('2031-08-09T10:11:12Z'));
    const second = await renderBillPdf(businessBill);

    expect(first.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(first.equals(second)).toBe(true);
    expect(first.toString('latin1')).toContain('(D:20261201000000Z)');
  });

  it('differs between bills', async () => {
    const a = await renderBillPdf(businessBill);
    const b = await renderBillPdf({ ...businessBill, receiptCode: 'F00000000000' });
    expect(a.equals(b)).toBe(false);
  });

  it('prints the bill as Unicode text that pdftotext reads back', async () => {
    const text = pdfText(await renderBillPdf(businessBill));

    expect(text).toContain('Рахунок за електроенергію');
    expect(text).toContain('ТОВ «Київське енергетичне Обʼєднання»');
    expect(text).toContain('ФОП Коваленко Олександра Петрівна');
    expect(text).toContain('E7C41B09D2A5');
    expect(text).toContain('Код квитанції');
    expect(text).toContain('листопад 2026');
    expect(text).toContain('Сплатити до 20.12.2026');
    expect(text).toContain('Договір Д-2026/0457');
    expect(text).toContain('ПДВ 20%');
    expect(text).toContain('662,40 грн');
    expect(text).toContain('До сплати 3 826,80 грн');
    expect(text).toContain('оцінка*');
    expect(text).toContain('−147,60');
  });

  it('keeps a meter serial and a zone on one line each', async () => {
    const [day, night] = businessBill.meterReadings;
    const readings = [
      { ...day!, serialNumber: 'MERCURY-201-8841207' },
      { ...night!, serialNumber: 'ХТМ-ЛІЧ-0001234567', zone: 'Гаряча вода', unit: 'м³' },
    ];
    const lines = pdfText(await renderBillPdf({ ...businessBill, meterReadings: readings })).split('\n');
    for (const [serial, zone] of [['MERCURY-201-8841207', 'День'], ['ХТМ-ЛІЧ-0001234567', 'Гаряча вода']]) {
      expect(lines.some((line) => line.includes(serial!) && line.includes(zone!)), serial).toBe(true);
    }
  });

  it('embeds DejaVu Sans and no other font', async () => {
    const fonts = pdfFonts(await renderBillPdf(businessBill));
    expect(fonts.map((font) => font.name)).toContainEqual(expect.stringMatching(/^[A-Z]{6}\+DejaVuSans$/));
    for (const font of fonts) {
      expect(font.name).toMatch(/^[A-Z]{6}\+DejaVuSans(-Bold)?$/);
      expect(font.embedded, `${font.name} is not embedded`).toBe(true);
    }
  });

  it('draws a one-page bill', async () => {
    const pdf = await renderBillPdf(businessBill);
    expect(pdfPageCount(pdf)).toBe(1);
    const pages = pdfPageInk(pdf);
    expect(pages).toHaveLength(1);
    for (const ink of pages) expect(ink).toBeGreaterThan(0.02);
  });

  it('continues long tables on further pages', async () => {
    const pdf = await renderBillPdf(longBill);
    const pages = pdfPageCount(pdf);
    expect(pages).toBeGreaterThanOrEqual(2);
    const ink = pdfPageInk(pdf);
    expect(ink).toHaveLength(pages);
    for (const share of ink) expect(share).toBeGreaterThan(0.02);

    const text = pdfText(pdf);
    expect(text).toContain('Нарахування (продовження)');
    expect(text).toContain('обʼєкт №60');
    expect(text).toContain(`Сторінка ${pages} з ${pages}`);
  });

  it('prints no VAT on a residential bill, and a credit as an overpayment', async () => {
    const pdf = await renderBillPdf(residentialHeatBill);
    const text = pdfText(pdf);

    expect(pdfText(pdf, { layout: false })).toContain('Рахунок за теплову енергію та гарячу воду');
    expect(text).toContain('Ігор Вʼячеславович Дорошенко');
    expect(text).toContain('січень 2026');
    expect(text).not.toContain('ПДВ');
    expect(text).not.toContain('Договір');
    expect(text).not.toContain('оцінка');
    expect(text).toContain('Переплата 173,54 грн');
    expect(text).not.toContain('До сплати');
  });
});

describe('bill formatting', () => {
  it('groups thousands and uses a decimal comma and a true minus', () => {
    expect(formatAmount('1234567.50')).toBe('1\u00a0234\u00a0567,50');
    expect(formatAmount('-147.60')).toBe('−147,60');
    expect(formatAmount('999')).toBe('999');
    expect(() => formatAmount('12,50')).toThrow(RangeError);
  });

  it('names the period by its month in the nominative', () => {
    expect(periodLabel('2026-11')).toBe('листопад 2026');
    expect(periodLabel('2027-03')).toBe('березень 2027');
    expect(() => periodLabel('2026-13')).toThrow(RangeError);
  });
});
