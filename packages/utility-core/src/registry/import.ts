import { createHash } from 'node:crypto';
import type { Transaction } from '@kabinet/db';
import { publishEvent } from '@kabinet/events';
import { transferReferenceIn } from '@kabinet/money';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { addDays, localDateIn, startOfLocalDate } from '../calendar';
import { postPayment } from '../ledger';
import type { UtilityTables } from '../tables';
import type { RegistryProblem, RegistryRow } from './file';
import type { RegistrySource } from './sources';

/** What an import did with each row: the answer to the operator who uploaded the file. */
export interface RegistryReport {
  /** The bank's name as Kabinet writes it, whatever spelling the upload used. */
  source: string;
  rows: number;
  posted: number;
  /** Rows whose payment was posted before (this file or an earlier one): nothing posted again. */
  alreadyPosted: number;
  postedMinor: number;
  /**
   * Rows of this supplier's accounts whose purpose carries a Kabinet transfer reference, posted now
   * or before: each is told to payments, which settles the checkout item it names (once).
   */
  transfers: number;
  currency: string | null;
  /** Rows that name no account of this supplier: sent back for the bank to resolve. */
  unmatched: { line: number; accountNumber: string; amountMinor: number; reference: string }[];
  /** Rows that do not read as a payment. */
  invalid: RegistryProblem[];
}

/**
 * The ledger's id of a registry payment: the same bank reference from the same source is the same
 * payment, however many files carry it, so the ledger's (payment, account) key posts it once.
 */
export function registryPaymentId(supplierId: string, source: RegistrySource, reference: string): string {
  const hex = createHash('sha256').update(`registry:${supplierId}:${source.code}:${reference}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * How old a row may be: a bank's registry is the day's, the post office's some weeks late. A row
 * older than a year is a typo in the file's date (1999 for 2026), and would post a payment into
 * months long billed.
 */
const oldestRowDays = 366;

const byNumber = (number: string) => number.replace(/\s+/g, '').toUpperCase();

/**
 * Posts a registry's rows to the supplier's accounts, in the caller's transaction: each row once,
 * matched by account number within the supplier only. A row (posted now or before) whose purpose carries a
 * Kabinet transfer reference is told to payments (`utility.transfer.received`), in the same
 * transaction: nudge the relay once it commits.
 */
export async function importRegistry(
  tx: Transaction,
  t: UtilityTables,
  registry: {
    /** The utility's name, as its events tell payments (`electricity`, `heat`). */
    utility: string;
    supplierId: string;
    timeZone: string;
    source: RegistrySource;
    rows: RegistryRow[];
    problems: RegistryProblem[];
  },
  now: Date,
): Promise<RegistryReport> {
  // One import at a time per supplier: two uploads of one file at once would each find its rows
  // unposted, and the second, its ledger insert a no-op, would report them posted.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`registry:${registry.supplierId}`}))`);
  const numbers = [...new Set(registry.rows.map((row) => row.accountNumber))];
  const accounts = numbers.length
    ? await tx.select().from(t.accounts).where(and(eq(t.accounts.supplierId, registry.supplierId), inArray(t.accounts.accountNumber, numbers)))
    : [];
  // Numbers as typed in bank offices: spaces and case do not make another account.
  const accountOf = new Map(accounts.map((account) => [byNumber(account.accountNumber), account]));
  const paymentIds = registry.rows.map((row) => registryPaymentId(registry.supplierId, registry.source, row.reference));
  const earlier = paymentIds.length
    ? await tx
        .select({ paymentId: t.ledgerEntries.paymentId, accountId: t.ledgerEntries.accountId, amountMinor: t.ledgerEntries.amountMinor })
        .from(t.ledgerEntries)
        .where(and(inArray(t.ledgerEntries.paymentId, [...new Set(paymentIds)]), eq(t.ledgerEntries.kind, 'PAYMENT')))
    : [];
  // What each bank reference paid: the same reference again for another account or amount is no
  // repeat of that payment but a fault in a file, for the operator to take up with the bank.
  // (A payment's ledger entry holds its amount negated: it lowers the balance.)
  const paid = new Map(earlier.map((entry) => [entry.paymentId!, { accountId: entry.accountId, amountMinor: -entry.amountMinor }]));

  const report: RegistryReport = {
    source: registry.source.name,
    rows: registry.rows.length + registry.problems.length,
    posted: 0,
    alreadyPosted: 0,
    postedMinor: 0,
    transfers: 0,
    currency: accounts[0]?.currency ?? null,
    unmatched: [],
    invalid: [...registry.problems],
  };
  const today = localDateIn(now, registry.timeZone);
  const yearAgo = addDays(today, -oldestRowDays);
  for (const [index, row] of registry.rows.entries()) {
    if (row.paidOn > today) {
      report.invalid.push({ line: row.line, reason: `dated in the future: ${row.paidOn}` });
      continue;
    }
    if (row.paidOn < yearAgo) {
      report.invalid.push({ line: row.line, reason: `dated more than a year ago: ${row.paidOn}` });
      continue;
    }
    const account = accountOf.get(byNumber(row.accountNumber));
    if (!account) {
      report.unmatched.push({ line: row.line, accountNumber: row.accountNumber, amountMinor: row.amountMinor, reference: row.reference });
      continue;
    }
    const paymentId = paymentIds[index]!;
    const before = paid.get(paymentId);
    if (before && (before.accountId !== account.id || before.amountMinor !== row.amountMinor)) {
      report.invalid.push({ line: row.line, reason: `reference ${row.reference} paid another account or amount before: ask the bank which is right` });
      continue;
    }
    if (before) {
      report.alreadyPosted += 1;
    } else {
      paid.set(paymentId, { accountId: account.id, amountMinor: row.amountMinor });
      await postPayment(
        tx,
        t,
        {
          paymentId,
          accountId: account.id,
          amountMinor: row.amountMinor,
          currency: account.currency,
          // The day it was paid at the bank, as the supplier's calendar counts it.
          capturedAt: startOfLocalDate(row.paidOn, registry.timeZone),
          description: `Оплата через ${registry.source.name} (${row.reference})`.slice(0, 200),
        },
        now,
      );
      report.posted += 1;
      report.postedMinor += row.amountMinor;
    }
    // Told also when posted before: the file may first have come without its purpose column.
    // Payments counts each ledger payment once, however often it is told.
    const transfer = row.purpose ? transferReferenceIn(row.purpose) : null;
    if (transfer) {
      await publishEvent(tx, t.outbox, {
        topic: 'utility.transfer.received',
        payload: {
          utility: registry.utility,
          reference: transfer,
          accountId: account.id,
          amountMinor: row.amountMinor,
          currency: account.currency,
          paidOn: row.paidOn,
          ledgerPaymentId: paymentId,
        },
        destinations: ['payments'],
      });
      report.transfers += 1;
    }
  }
  // By line, as the operator reads the file: rows found wrong here come after those the reader refused.
  report.invalid.sort((a, b) => a.line - b.line);
  return report;
}
