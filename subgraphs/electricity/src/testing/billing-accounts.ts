import { randomUUID } from 'node:crypto';
import { rowsOf, type Database } from '@kabinet/db';
import { postBillEntries, postPayments } from '@kabinet/utility-core';
import { sql } from 'drizzle-orm';
import * as tables from '../db/schema';

/**
 * A supplier with `count` electricity accounts ready for November 2026's billing run (the
 * billing benchmark's and the resume test's), written set-based, a statement per table whatever
 * the count. Each account has a meter (every third a day/night one), readings closing September
 * to November, October's bill and its ledger charge, and every second one a payment no bill has
 * shown yet. Every tenth account missed October's reading (October was billed on an estimate that
 * November's reading corrects), every tenth other one misses November's (estimated now); every
 * twentieth is a business account (VAT). The residential tariff is tiered and changes
 * mid-November, so bills have several lines. Into the `electricity` schema of a migrated
 * database, PGlite or PostgreSQL. With `yearsOfHistory`, each account also has that many years
 * of monthly readings before September and of payments that earlier statements showed: what a
 * run finds after years of service, and must not read.
 */
export const billingMonth = '2026-11';
/** When the run happens: November's reading window (days 1 to 5 of December) has closed. */
export const billingNow = new Date('2026-12-07T08:00:00Z');
export const seededSupplierId = '00000000-0000-4000-8000-00000000b111';

export async function seedBillingAccounts(db: Database, count: number, { yearsOfHistory = 0 } = {}): Promise<void> {
  const olderMonths = yearsOfHistory * 12;
  const s = seededSupplierId;
  const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;
  await db.transaction(async (tx) => {
    await tx.execute(sql`insert into electricity.suppliers (id, code, name, currency, time_zone, account_number_pattern, account_number_format)
      values (${s}, 'bench-energo', 'Бенч-енерго', 'UAH', 'Europe/Kyiv', '^\\d{8}$', ${json({ en: '8 digits', uk: '8 цифр', ru: '8 цифр' })})`);
    await tx.execute(sql`insert into electricity.tariffs (supplier_id, account_kind, valid_from, tiers) values
      (${s}, 'RESIDENTIAL', '2024-01-01', ${json([{ upTo: '250', price: '2.64' }, { upTo: null, price: '4.32' }])}),
      (${s}, 'RESIDENTIAL', '2026-11-16', ${json([{ upTo: null, price: '4.32' }])}),
      (${s}, 'BUSINESS', '2024-01-01', ${json([{ upTo: null, price: '7.20' }])})`);

    // i: the account's number; its meter's zones; its use a month per zone; base: the value before September.
    await tx.execute(sql`create temporary table seeded_accounts on commit drop as
      select i,
        md5('bench-account-' || i)::uuid as account_id,
        md5('bench-meter-' || i)::uuid as meter_id,
        md5('bench-bill-' || i)::uuid as bill_id,
        case when i % 20 = 0 then 'BUSINESS' else 'RESIDENTIAL' end as kind,
        case when i % 3 = 0 then array['DAY', 'NIGHT'] else array['SINGLE'] end as zones,
        i % 10 = 1 as missed_october,
        i % 10 = 2 as missed_november,
        -- Room below for the older months' values (a month uses at most 349).
        1000 + i % 5000 + ${olderMonths}::int * 350 as base,
        150 + i % 200 as use
      from generate_series(1, ${count}::int) as i`);
    await tx.execute(sql`insert into electricity.accounts (id, supplier_id, account_number, address, holder_name, holder_surname, currency, kind, contract_number)
      select account_id, ${s}, lpad(i::text, 8, '0'), 'м. Київ, вул. Тестова, ' || i, 'Тестенко Олена ' || i, 'Тестенко', 'UAH', kind,
        case when kind = 'BUSINESS' then 'Д-' || i end
      from seeded_accounts`);
    await tx.execute(sql`insert into electricity.meters (id, account_id, serial_number, zones, digits, installed_on, last_verified_on, verification_interval_years)
      select meter_id, account_id, 'BENCH-' || i, zones, 6, '2020-01-01', '2020-01-01', 16 from seeded_accounts`);

    // A zone's value closing month k (0: August, 1: September, ...): night zones use half.
    await tx.execute(sql`create temporary table seeded_zones on commit drop as
      select a.*, zone, case when zone = 'NIGHT' then use / 2 else use end as zone_use
      from seeded_accounts a, unnest(a.zones) as zone`);
    await tx.execute(sql`insert into electricity.readings (meter_id, zone, period, value, read_at, source)
      select meter_id, zone, month, base + zone_use * k, month + interval '1 month 1 day 9 hours', 'PORTAL'
      from seeded_zones, lateral (values (1, date '2026-09-01'), (2, date '2026-10-01'), (3, date '2026-11-01')) as m(k, month)
      where not (k = 2 and missed_october) and not (k = 3 and missed_november)`);
    if (olderMonths > 0) {
      // August (k = 0, the value before September) and the months before it, every one read.
      await tx.execute(sql`insert into electricity.readings (meter_id, zone, period, value, read_at, source)
        select meter_id, zone, month, base + zone_use * k, month + interval '1 month 1 day 9 hours', 'PORTAL'
        from seeded_zones, lateral (select -back as k, date '2026-08-01' - make_interval(months => back) as month
          from generate_series(0, ${olderMonths}::int - 1) as back) as m`);
    }
    // October's estimate (the average use, 180 a month) where its reading was missed.
    await tx.execute(sql`insert into electricity.readings (meter_id, zone, period, value, read_at, source)
      select meter_id, zone, '2026-10-01', base + zone_use + 180, '2026-11-07T08:00:00Z', 'ESTIMATE' from seeded_zones where missed_october`);

    await tx.execute(sql`insert into electricity.billing_runs (supplier_id, period, started_at, finished_at, bills_issued)
      values (${s}, '2026-10-01', '2026-11-07T08:00:00Z', '2026-11-07T08:00:00Z', ${count})`);
    await tx.execute(sql`insert into electricity.bills (id, account_id, period, currency, cutoff_at, issued_to, issued_on, issued_at, due_date,
        opening_minor, charges_minor, vat_minor, corrections_minor, payments_minor, adjustments_minor, amount_due_minor, receipt_code)
      select bill_id, account_id, '2026-10-01', 'UAH', '2026-11-07T08:00:00Z',
        jsonb_build_object('supplierName', 'Бенч-енерго', 'holderName', 'Тестенко Олена ' || i, 'address', 'м. Київ, вул. Тестова, ' || i,
          'accountKind', kind, 'contractNumber', null, 'vatRateBasisPoints', case when kind = 'BUSINESS' then 2000 end),
        '2026-11-08', '2026-11-07T22:00:00Z', '2026-11-28', 0, use * 432, 0, 0, 0, 0, use * 432, upper(substr(md5('bench-receipt-' || i), 1, 12))
      from seeded_accounts`);
    await tx.execute(sql`insert into electricity.bill_consumption (bill_id, meter_id, zone, previous_value, current_value, consumption, estimated)
      select bill_id, meter_id, zone, base + zone_use, base + zone_use + case when missed_october then 180 else zone_use end,
        case when missed_october then 180 else zone_use end, missed_october
      from seeded_zones`);
    // The ledger through its one writer: October's charges on their bills, and the payments since.
    const seeded = rowsOf<{ i: number; account_id: string; bill_id: string; use: number }>(await tx.execute(sql`select i, account_id, bill_id, use from seeded_accounts order by i`));
    const issuedAt = new Date('2026-11-07T22:00:00Z');
    await postBillEntries(
      tx,
      tables,
      seeded.map((row) => ({ bill: { id: row.bill_id, accountId: row.account_id, issuedAt }, entries: [{ kind: 'CHARGE', amountMinor: row.use * 432, description: 'Нараховано за жовтень 2026' }] })),
      new Date('2026-11-07T08:00:00Z'),
    );
    if (olderMonths > 0) {
      // A payment a month before October's bill, each shown by a statement long since (here October's).
      await tx.execute(sql`insert into electricity.ledger_entries (id, account_id, kind, amount_minor, occurred_at, recorded_at, description, payment_id, statement_bill_id)
        select gen_random_uuid(), account_id, 'PAYMENT', -use * 432, paid_at, paid_at, 'Оплата в банку', gen_random_uuid(), bill_id
        from seeded_accounts, lateral (select timestamptz '2026-10-20T10:00:00Z' - make_interval(months => back) as paid_at
          from generate_series(0, ${olderMonths}::int - 1) as back) as m`);
    }
    const paidAt = new Date('2026-11-20T10:00:00Z');
    await postPayments(
      tx,
      tables,
      seeded.filter((row) => row.i % 2 === 0).map((row) => ({ paymentId: randomUUID(), accountId: row.account_id, amountMinor: 500_00, currency: 'UAH', capturedAt: paidAt, description: 'Оплата в банку' })),
      paidAt,
    );
  });
  await db.execute(sql`analyze`);
}
