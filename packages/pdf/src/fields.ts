import { BOLD } from './fonts';
import { colors, CONTENT_WIDTH, type Flow, MARGIN, measure, type TextStyle, write } from './layout';

const LABEL_WIDTH = 120;
const PADDING = 8;

/**
 * Labelled values (`Особовий рахунок`, `Адреса`, ...) on a shaded band across the content
 * width, kept on one page; the flow moves to just below the band.
 */
export function drawFields(flow: Flow, fields: [label: string, value: string][]): void {
  const { doc } = flow;
  const label: TextStyle = { width: LABEL_WIDTH, size: 9, color: colors.muted };
  const value: TextStyle = { width: CONTENT_WIDTH - LABEL_WIDTH - 2 * PADDING, size: 9.5, font: BOLD };
  const heights = fields.map(([, text]) => measure(doc, text, value) + 3);
  const total = heights.reduce((sum, height) => sum + height, 0) + 2 * PADDING - 3;

  flow.ensure(total);
  doc.rect(MARGIN, flow.y, CONTENT_WIDTH, total).fill(colors.band);
  let y = flow.y + PADDING;
  fields.forEach(([name, text], i) => {
    write(doc, name, MARGIN + PADDING, y + 0.5, label);
    write(doc, text, MARGIN + PADDING + LABEL_WIDTH, y, value);
    y += heights[i] ?? 0;
  });
  flow.y += total;
}
