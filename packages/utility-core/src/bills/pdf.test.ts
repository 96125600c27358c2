import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { BillDocument } from './document';
import { periodLabel } from '../labels';
import { formatAmount, renderBillPdf } from './pdf';
import { businessBill, longBill, residentialHeatBill } from './pdf.fixtures';

const workDir = mkdtempSync(path.join(tmpdir(), 'kabinet-pdf-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

let fileCount = 0;
async function renderToFile(bill: BillDocument): Promise<string> {
  const file = path.join(workDir, `bill-${++fileCount}.pdf`);
  writeFileSync(file, await renderBillPdf(bill));
  return file;
}

/** Runs a poppler tool; a missing tool fails the test instead of skipping it. */
function poppler(tool: string, args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: 'utf8' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${tool} is not installed; these tests need poppler: apt-get install poppler-utils`);
    }
    throw error;
  }
}

/**
 * pdftotext, every run of whitespace (no-break spaces too) as one space. `-layout` keeps a
 * label and its value on one line; without it a title wrapped beside the code box stays whole.
 */
function textOf(file: string, layout = true): string {
  const args = ['-enc', 'UTF-8', file, '-'];
  return poppler('pdftotext', layout ? ['-layout', ...args] : args).replace(/\s+/g, ' ');
}

function pageCount(file: string): number {
  const match = /^Pages:\s+(\d+)$/m.exec(poppler('pdfinfo', [file]));
  if (!match) throw new Error('pdfinfo printed no page count');
  return Number(match[1]);
}

/** Share of pixels that are not (nearly) white in a binary PPM (P6, maxval 255). */
function inkShare(ppm: Buffer): number {
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 50).toString('latin1'));
  if (!header || header[3] !== '255') throw new Error('not an 8-bit binary PPM');
  const [width, height] = [Number(header[1]), Number(header[2])];
  const pixels = ppm.subarray(header[0].length);
  let ink = 0;
  for (let i = 0; i < width * height * 3; i += 3) {
    if (Math.min(pixels[i] ?? 255, pixels[i + 1] ?? 255, pixels[i + 2] ?? 255) < 200) ink++;
  }
  return ink / (width * height);
}

function pageImages(file: string): Buffer[] {
  const prefix = path.join(workDir, `${path.basename(file, '.pdf')}-page`);
  poppler('pdftoppm', ['-r', '50', file, prefix]);
  return readdirSync(workDir)
    .filter((name) => name.startsWith(path.basename(prefix)) && name.endsWith('.ppm'))
    .sort()
    .map((name) => readFileSync(path.join(workDir, name)));
}

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
    const text = textOf(await renderToFile(businessBill));

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

  it('embeds DejaVu Sans and no other font', async () => {
    const fonts = poppler('pdffonts', [await renderToFile(businessBill)]);
    // name type encoding emb sub uni object ID
    const rows = fonts
      .trim()
      .split('\n')
      .slice(2)
      .map((line) => line.trim().split(/\s+/));

    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((row) => row[0])).toContainEqual(expect.stringMatching(/^[A-Z]{6}\+DejaVuSans$/));
    for (const row of rows) {
      expect(row[0]).toMatch(/^[A-Z]{6}\+DejaVuSans(-Bold)?$/);
      expect(row.at(-5), `${row.join(' ')} is not embedded`).toBe('yes');
    }
  });

  it('draws a one-page bill', async () => {
    const file = await renderToFile(businessBill);
    expect(pageCount(file)).toBe(1);
    const images = pageImages(file);
    expect(images).toHaveLength(1);
    for (const image of images) expect(inkShare(image)).toBeGreaterThan(0.02);
  });

  it('continues long tables on further pages', async () => {
    const file = await renderToFile(longBill);
    const pages = pageCount(file);
    expect(pages).toBeGreaterThanOrEqual(2);
    const images = pageImages(file);
    expect(images).toHaveLength(pages);
    for (const image of images) expect(inkShare(image)).toBeGreaterThan(0.02);

    const text = textOf(file);
    expect(text).toContain('Нарахування (продовження)');
    expect(text).toContain('обʼєкт №60');
    expect(text).toContain(`Сторінка ${pages} з ${pages}`);
  });

  it('prints no VAT on a residential bill, and a credit as an overpayment', async () => {
    const file = await renderToFile(residentialHeatBill);
    const text = textOf(file);

    expect(textOf(file, false)).toContain('Рахунок за теплову енергію та гарячу воду');
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
