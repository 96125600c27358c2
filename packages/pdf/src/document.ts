import type PDFKitDocument from 'pdfkit';
import { BOLD, loadFonts, REGULAR } from './fonts';
import { MARGIN } from './layout';

export type PdfDocument = PDFKit.PDFDocument;

export interface DocumentInfo {
  title: string;
  subject: string;
  author: string;
  /**
   * Stamped as the creation and modification date. pdfkit would stamp `new Date()` and derive
   * the trailer /ID from the info dictionary; a date taken from the document itself makes the
   * bytes a function of the document alone.
   */
  date: Date;
}

// pdfkit and its font and Unicode tables take a good part of a second to load: loaded with the
// first document a process makes, not at its start.
let loading: Promise<typeof PDFKitDocument> | undefined;
const pdfkit = () => (loading ??= import('pdfkit').then((module) => module.default));

/**
 * An A4 Ukrainian document with DejaVu Sans registered, and its bytes, which resolve once the
 * caller has drawn everything and called `doc.end()`. Pages are buffered so that footers can
 * be drawn last (see `drawPageFooters`).
 */
export async function openDocument(info: DocumentInfo): Promise<{ doc: PdfDocument; output: Promise<Buffer> }> {
  const PDFDocument = await pdfkit();
  const fonts = loadFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    lang: 'uk',
    displayTitle: true,
    info: {
      Title: info.title,
      Subject: info.subject,
      Author: info.author,
      Creator: 'Kabinet',
      CreationDate: info.date,
      ModDate: info.date,
    },
  });
  const output = collect(doc);
  doc.registerFont(REGULAR, fonts.regular).registerFont(BOLD, fonts.bold);
  return { doc, output };
}

function collect(doc: PdfDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}
