import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Poppler's tools over a PDF held in memory, for tests that read back what a PDF says and
 * shows. They are required, not optional: CI installs poppler-utils, and a missing tool fails
 * the test with how to install it.
 */
function withPdf<T>(pdf: Buffer, use: (file: string, dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'kabinet-pdf-'));
  try {
    const file = path.join(dir, 'document.pdf');
    writeFileSync(file, pdf);
    return use(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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
 * The text pdftotext reads, every run of whitespace (no-break spaces too) as one space. With
 * `layout` (the default) a label and its value stay on one line; without it, text wrapped
 * beside a box stays whole.
 */
export function pdfText(pdf: Buffer, options: { layout?: boolean } = {}): string {
  const layout = options.layout ?? true;
  return withPdf(pdf, (file) => poppler('pdftotext', [...(layout ? ['-layout'] : []), '-enc', 'UTF-8', file, '-'])).replace(/\s+/g, ' ');
}

export function pdfPageCount(pdf: Buffer): number {
  const match = /^Pages:\s+(\d+)$/m.exec(withPdf(pdf, (file) => poppler('pdfinfo', [file])));
  if (!match) throw new Error('pdfinfo printed no page count');
  return Number(match[1]);
}

/** The fonts pdffonts lists: name, type and whether each is embedded. */
export function pdfFonts(pdf: Buffer): { name: string; embedded: boolean }[] {
  const lines = withPdf(pdf, (file) => poppler('pdffonts', [file])).trim().split('\n').slice(2);
  // Columns: name type encoding emb sub uni object ID; the name has no spaces in embedded subsets.
  return lines.map((line) => {
    const columns = line.trim().split(/\s+/);
    return { name: columns[0]!, embedded: columns.at(-5) === 'yes' };
  });
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

/** Each page rendered by pdftoppm at 50 dpi, as its share of inked pixels: a blank page is ~0. */
export function pdfPageInk(pdf: Buffer): number[] {
  return withPdf(pdf, (file, dir) => {
    poppler('pdftoppm', ['-r', '50', file, path.join(dir, 'page')]);
    return readdirSync(dir)
      .filter((name) => name.startsWith('page') && name.endsWith('.ppm'))
      .sort()
      .map((name) => inkShare(readFileSync(path.join(dir, name))));
  });
}
