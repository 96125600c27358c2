import { CsvError, parse } from 'csv-parse/sync';
import { isCalendarDate } from '@kabinet/input/dates';
import { stringProblem } from '@kabinet/input/text';
import type { LocalDate } from '../calendar';

/*
 * A bank's (or the post office's) daily payment registry: the payments it took for a supplier's
 * accounts, one per row. Kabinet reads the common CSV shape: a header row, then rows; `;` or `,`
 * between fields (Ukrainian banks export `;` with decimal commas), UTF-8. Columns by name,
 * English or Ukrainian: date (дата), account (рахунок / особовий рахунок), amount (сума),
 * reference (номер / документ: the bank's own id of the payment), payer (платник, optional) and
 * purpose (призначення платежу, or Russian назначение платежа; optional: the payer's words, where a
 * bank transfer made for a Kabinet checkout carries its transfer reference, `KB…`).
 */

export interface RegistryRow {
  /** 1-based line in the file, as a person opening it counts (the header is line 1). */
  line: number;
  paidOn: LocalDate;
  accountNumber: string;
  amountMinor: number;
  reference: string;
  payer: string | null;
  /** The payment's purpose as the payer wrote it; null when the file has no such column or the cell is empty. */
  purpose: string | null;
}

export interface RegistryProblem {
  line: number;
  reason: string;
}

export const maxRegistryRows = 20_000;

/**
 * The most one row may carry: 1 000 000,00 in the supplier's currency. A row is one household's
 * (or small business's) payment at a bank counter; a figure past this is a typo in the bank's
 * file (a 100-billion credit), and a registry payment once posted has no reversal.
 */
export const maxRegistryRowMinor = 100_000_000;

const columnNames: Record<keyof Omit<RegistryRow, 'line' | 'paidOn' | 'amountMinor'> | 'date' | 'amount', string[]> = {
  date: ['date', 'дата', 'дата оплати', 'дата платежу'],
  accountNumber: ['account', 'account number', 'рахунок', 'особовий рахунок', 'о/р'],
  amount: ['amount', 'сума', 'сума оплати'],
  reference: ['reference', 'номер', 'документ', 'номер документа', 'id'],
  payer: ['payer', 'платник'],
  purpose: ['purpose', 'payment purpose', 'призначення', 'призначення платежу', 'назначение платежа'],
};

function columnIndex(header: string[], names: string[]): number {
  return header.findIndex((cell) => names.includes(cell.trim().toLowerCase().replace(/\s+/g, ' ')));
}

/** `2026-11-28` or `28.11.2026`. */
function dateOf(text: string): LocalDate | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const dotted = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(text);
  const date = iso ? `${iso[1]}-${iso[2]}-${iso[3]}` : dotted ? `${dotted[3]}-${dotted[2]}-${dotted[1]}` : null;
  return date && isCalendarDate(date) ? date : null;
}

/** `1250,40`, `1 250.40` → 125040; null when it is not an amount with at most two decimals. */
function amountOf(text: string): number | null {
  const match = /^(\d{1,12})(?:[.,](\d{1,2}))?$/.exec(text.replace(/[\s\u00a0]/g, ''));
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** Every row that reads as a payment, and what is wrong with the others; throws only when the file is not a registry at all. */
export function readRegistry(text: string): { rows: RegistryRow[]; problems: RegistryProblem[] } {
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) >= (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: string[][];
  try {
    // relax_quotes: banks write names as they are, quotes inside an unquoted field included (ТОВ "Ромашка").
    records = parse(text.replace(/^\uFEFF/, ''), { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    // A quote opened and never closed swallows the rest of the file: no row after it can be trusted.
    if (error instanceof CsvError) throw new RegistryFileError(`The file cannot be read as CSV near line ${(error as CsvError & { lines?: number }).lines ?? '?'}: ${error.message}`);
    throw error;
  }
  const [header, ...body] = records;
  if (!header) throw new RegistryFileError('The file is empty');
  const at = {
    date: columnIndex(header, columnNames.date),
    accountNumber: columnIndex(header, columnNames.accountNumber),
    amount: columnIndex(header, columnNames.amount),
    reference: columnIndex(header, columnNames.reference),
    payer: columnIndex(header, columnNames.payer),
    purpose: columnIndex(header, columnNames.purpose),
  };
  const missing = (['date', 'accountNumber', 'amount', 'reference'] as const).filter((name) => at[name] === -1);
  if (missing.length) {
    const shown = missing.map((name) => (name === 'accountNumber' ? 'account' : name));
    throw new RegistryFileError(`The header names no ${shown.join(', ')} column (expected: date;account;amount;reference[;payer][;purpose])`);
  }
  if (body.length > maxRegistryRows) throw new RegistryFileError(`A registry has at most ${maxRegistryRows} rows; split the file`);

  const rows: RegistryRow[] = [];
  const problems: RegistryProblem[] = [];
  body.forEach((record, index) => {
    const line = index + 2;
    const cell = (column: number) => (column === -1 ? '' : (record[column] ?? '').trim());
    const required = Math.max(at.date, at.accountNumber, at.amount, at.reference) + 1;
    if (record.length < required) return void problems.push({ line, reason: `a short row: ${record.length} fields where the header names ${required}` });
    // A NUL would fail the statement (and the file with it); other controls would reach the ledger.
    if (record.some((value) => stringProblem(value))) return void problems.push({ line, reason: 'a field holds a control character or is too long' });
    const paidOn = dateOf(cell(at.date));
    const amountMinor = amountOf(cell(at.amount));
    const accountNumber = cell(at.accountNumber);
    const reference = cell(at.reference);
    if (!paidOn) return void problems.push({ line, reason: `not a date: "${cell(at.date)}"` });
    if (amountMinor === null || amountMinor === 0) return void problems.push({ line, reason: `not a positive amount: "${cell(at.amount)}"` });
    if (amountMinor > maxRegistryRowMinor) return void problems.push({ line, reason: `over the 1 000 000,00 one payment may carry: "${cell(at.amount)}"` });
    if (!accountNumber) return void problems.push({ line, reason: 'no account number' });
    if (!reference) return void problems.push({ line, reason: 'no reference (the bank’s id of the payment)' });
    rows.push({ line, paidOn, accountNumber, amountMinor, reference, payer: cell(at.payer) || null, purpose: cell(at.purpose) || null });
  });
  return { rows, problems };
}

/** The upload is not a registry Kabinet reads (no header, wrong columns, too long). */
export class RegistryFileError extends Error {
  override name = 'RegistryFileError';
}
