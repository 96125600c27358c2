import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// DejaVu Sans, embedded: the standard PDF fonts have no Cyrillic.
export const REGULAR = 'DejaVuSans';
export const BOLD = 'DejaVuSans-Bold';
export type FontName = typeof REGULAR | typeof BOLD;

let fontCache: { regular: Buffer; bold: Buffer } | undefined;

export function loadFonts(): { regular: Buffer; bold: Buffer } {
  if (!fontCache) {
    const require = createRequire(import.meta.url);
    fontCache = {
      regular: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
      bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
    };
  }
  return fontCache;
}
