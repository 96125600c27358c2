export { openDocument, type DocumentInfo, type PdfDocument } from './document';
export { drawFields } from './fields';
export { BOLD, type FontName, REGULAR } from './fonts';
export { drawPageFooters } from './footers';
export { currencyLabel, formatAmount, formatDate, formatDateTime, formatMoney, formatPercent, formatQuantity } from './format';
export {
  type Align,
  colors,
  CONTENT_WIDTH,
  drawSectionTitle,
  Flow,
  MARGIN,
  measure,
  rule,
  sectionTitleHeight,
  type TextStyle,
  write,
  writePair,
} from './layout';
export { type Column, drawRow, drawTable, type RowStyle } from './table';
