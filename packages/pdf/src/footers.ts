import { colors, CONTENT_WIDTH, FOOTER_HEIGHT, MARGIN, rule, type TextStyle, write } from './layout';

/**
 * `left` and "Сторінка N з M" under a rule at the foot of every page. Call it last, once
 * everything is drawn: the page count is only known then, and the pages must be buffered.
 */
export function drawPageFooters(doc: PDFKit.PDFDocument, left: string): void {
  const { start, count } = doc.bufferedPageRange();
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
