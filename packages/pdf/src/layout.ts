import { BOLD, type FontName, REGULAR } from './fonts';

export const MARGIN = 40;
/** A4's width less both margins. */
export const CONTENT_WIDTH = 515;
export const FOOTER_HEIGHT = 26;

export const colors = {
  text: '#1b1f24',
  muted: '#5c6673',
  rule: '#c5ccd5',
  accent: '#0b4a85',
  headerFill: '#e6ecf3',
  band: '#f5f7f9',
};

/** The vertical position on the current page; starts a new page when a block will not fit. */
export class Flow {
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

export type Align = 'left' | 'center' | 'right';

export interface TextStyle {
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

export function measure(doc: PDFKit.PDFDocument, text: string, style: TextStyle): number {
  return doc.heightOfString(text, applyStyle(doc, style));
}

/** Draws wrapped text with its top at `y` and returns its height. */
export function write(doc: PDFKit.PDFDocument, text: string, x: number, y: number, style: TextStyle): number {
  const options = applyStyle(doc, style);
  const height = doc.heightOfString(text, options);
  doc.text(text, x, y, options);
  return height;
}

/** A label at the left and its value at the right of the same line; returns the line's height. */
export function writePair(
  doc: PDFKit.PDFDocument,
  [label, value]: [string, string],
  x: number,
  y: number,
  labelStyle: TextStyle,
  valueStyle: TextStyle,
): number {
  const labelHeight = write(doc, label, x, y, labelStyle);
  const valueHeight = write(doc, value, x, y, { ...valueStyle, align: 'right' });
  return Math.max(labelHeight, valueHeight);
}

export function rule(doc: PDFKit.PDFDocument, x: number, y: number, width: number, color = colors.rule, weight = 0.5): void {
  doc
    .moveTo(x, y)
    .lineTo(x + width, y)
    .lineWidth(weight)
    .strokeColor(color)
    .stroke();
}

const sectionTitleStyle: TextStyle = { width: CONTENT_WIDTH, font: BOLD, size: 11, color: colors.accent };

export function sectionTitleHeight(doc: PDFKit.PDFDocument, title: string): number {
  return measure(doc, title, sectionTitleStyle) + 5;
}

export function drawSectionTitle(flow: Flow, title: string): void {
  write(flow.doc, title, MARGIN, flow.y, sectionTitleStyle);
  flow.y += sectionTitleHeight(flow.doc, title);
}
