import { BOLD, REGULAR } from './fonts';
import { type Align, colors, CONTENT_WIDTH, drawSectionTitle, type Flow, MARGIN, measure, rule, sectionTitleHeight, type TextStyle, write } from './layout';

const CELL_PADDING_X = 4;
const CELL_PADDING_Y = 3.5;

export interface Column {
  header: string;
  width: number;
  align: Align;
}

export type RowStyle = 'header' | 'plain' | 'band';

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
export function drawRow(doc: PDFKit.PDFDocument, columns: Column[], cells: string[], y: number, row: RowStyle): number {
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

/**
 * A titled table across the content width (its columns' widths add up to it) that continues
 * on further pages, repeating its title and column headers there. The title, the headers and
 * the first row are kept together.
 */
export function drawTable(flow: Flow, title: string, columns: Column[], rows: string[][]): void {
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
