import { randomUUID } from 'node:crypto';
import { expectErrorCode, expectNoGraphQLErrors } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, chargeOf, demoMeterValue, localInstant, meteredLine, meterValue, minorOf, type CabinetFixture, type ExpectedLine } from './cabinet-fixture';
import { cabinetKit, RUN_BILLING, SUBMIT, SUBMIT_ANONYMOUSLY } from './cabinet-kit';

/*
 * The engine's meter rules, end to end through the gateway: a meter rolling over at its digit
 * capacity, meter verification dates on the supplier's calendar, and an estimate corrected by the
 * next real reading in its preliminary charge. Expected money comes from the fixture.
 */
export function describeCabinetMeterRules(fixture: CabinetFixture): void {
  const kit = cabinetKit(fixture);
  const { names, tables } = kit;
  const rules = fixture.meterRules;
  const accountQuery = `query Account($id: ID!, $first: Int = 100) { ${names.account}(id: $id) {
    meters { id serialNumber zones readings(first: $first) { edges { node { zone value period readAt source } } } } } }`;
  const metersQuery = `query Meters($id: ID!) { ${names.account}(id: $id) { meters { serialNumber zones digits installedOn lastVerifiedOn
    verificationIntervalYears nextVerificationDue verificationOverdue removedOn } } }`;
  const { supplier: holderSupplier, account: holderDemo } = kit.demo(fixture.holder);
  const { account: unheldDemo } = kit.demo(fixture.unheldWithMeter);
  const period = fixture.windows[0]!.open.period;

  /** The preliminary charge: one line per zone entered, no correction, no VAT. */
  function expectPreliminary(charge: any, lines: ExpectedLine[], currency: string) {
    const expected = chargeOf(lines, currency);
    expect(charge.period).toBe(period);
    expect(charge.lines).toEqual(lines);
    expect(charge.corrections).toEqual({ amount: '0.00', currency });
    expect(charge.vat).toBeNull();
    expect(charge.total).toEqual(expected.total);
  }

  describe(`${fixture.utility} meter rules: rollover, verification dates, estimates corrected`, () => {
    let demo: string;

    beforeAll(async () => {
      await kit.start();
      demo = await kit.login('demo');
    });
    afterAll(() => kit.stop());

    it("takes a lower value as a rollover only at the meter's digit capacity (999999 → 0)", async () => {
      // No API sets a meter's value near its capacity: a holder's account with one, arranged in the DB.
      const { rollover } = rules;
      const customer = await kit.customer();
      const db = kit.db();
      const accountId = randomUUID();
      const meterId = randomUUID();
      const currency = kit.demo(fixture.holder).supplier.currency;
      await db.insert(tables.accounts).values({ id: accountId, supplierId: kit.supplierId(rollover.supplier), accountNumber: rollover.number, address: 'Тестова, 1', holderSurname: 'Тестенко', currency, holderUserId: customer.userId });
      await db.insert(tables.meters).values({ id: meterId, accountId, serialNumber: 'ROLL-6D-0001', zones: [rollover.zone], digits: 6, installedOn: '2020-01-01', lastVerifiedOn: '2020-01-01', verificationIntervalYears: 16 });
      await db.insert(tables.readings).values({ meterId, zone: rollover.zone, period: `${addMonths(period, -1)}-01`, value: rollover.previous, readAt: new Date(`${period}-02T08:00:00Z`), source: 'PORTAL' });
      const submit = (value: string) => kit.t.gql(SUBMIT(names), { token: customer.token, variables: { input: { accountId, readings: [{ meterId, zone: rollover.zone, value }] } } });

      // Lower and far from a rollover: refused.
      expectErrorCode(await submit(rollover.lower), 'READING_BELOW_PREVIOUS');
      // Through 999999.999 and 0 to `next`.
      const data = expectNoGraphQLErrors(await submit(rollover.next))[names.submit];
      expectPreliminary(data.preliminaryCharge, [meteredLine(rollover.zone, rollover.consumption, rollover.unitPrice, currency)], currency);
      expect(data.preliminaryCharge.total.amount).toBe(rollover.total);
      const { meters } = expectNoGraphQLErrors(await kit.t.gql(accountQuery, { token: customer.token, variables: { id: accountId } }))[names.account];
      const stored = meters[0].readings.edges.map((edge: any) => edge.node).filter((reading: any) => reading.period === period);
      expect(Object.fromEntries(stored.map((row: any) => [row.zone, `${row.value} (${row.source})`]))).toEqual({ [rollover.zone]: `${meterValue(rollover.next)} (PORTAL)` });
    });

    it('shows the next verification due and flags a meter past it as overdue', async () => {
      for (const { account, meter } of rules.verification) {
        const meters = expectNoGraphQLErrors(await kit.t.gql(metersQuery, { token: demo, variables: { id: await kit.accountId(account) } }))[names.account].meters;
        expect(meters.find((candidate: any) => candidate.serialNumber === meter.serialNumber)).toMatchObject(meter);
      }
    });

    it('corrects an estimated month in the preliminary charge of the next real reading', async () => {
      // `unheldWithMeter` sends nothing for the open window's month: billed on an estimate, as is every meter of its supplier.
      const operator = await kit.operator(fixture.holder.supplier);
      kit.at(fixture.billing.runAt(period));
      const run = expectNoGraphQLErrors(await kit.t.gql(RUN_BILLING(names), { token: operator, variables: { input: { period } } }))[names.runBilling].run;
      const meterZones = holderSupplier.accounts.reduce((sum, account) => sum + account.meters.reduce((zones, meter) => zones + meter.zones.length, 0), 0);
      expect({ billsIssued: run.billsIssued, estimatedMeters: run.estimatedMeters }).toEqual({ billsIssued: holderSupplier.accounts.length, estimatedMeters: meterZones });

      // The next month's reading: two months' use past the demo's last.
      const next = addMonths(period, 1);
      kit.at(fixture.billing.readAt(next));
      const [meter] = unheldDemo.meters;
      const value = demoMeterValue(meter!.startValues[0]!, meter!.monthlyUse[0]!, fixture.demoMonths.length + 2);
      const response = await kit.t.gql(SUBMIT_ANONYMOUSLY(names), {
        variables: { input: { supplierId: kit.supplierId(fixture.unheldWithMeter.supplier), accountNumber: fixture.unheldWithMeter.number, check: 'HOLDER_SURNAME', checkValue: unheldDemo.holderSurname,
          readings: [{ meterSerialNumber: meter!.serialNumber, zone: meter!.zones[0], value }] } },
      });
      const charge = expectNoGraphQLErrors(response)[names.submitAnonymously].preliminaryCharge;
      const expected = rules.correctedInPreliminary;
      expect(charge.period).toBe(next);
      expect(charge.lines).toEqual([expected.line]);
      expect(charge.corrections).toEqual({ amount: expected.corrections, currency: expected.line.amount.currency });
      expect(charge.vat).toBeNull();
      expect(charge.total.amount).toBe(expected.total);
      expect(minorOf(charge.total)).toBe(minorOf(charge.lines[0].amount) + minorOf(charge.corrections));
    });

    it("turns a meter overdue from the day after the due date, on the supplier's calendar", async () => {
      const id = await kit.accountId(fixture.holder);
      const overdueAt = async (instant: string) => {
        kit.at(instant);
        const meters = expectNoGraphQLErrors(await kit.t.gql(metersQuery, { token: demo, variables: { id } }))[names.account].meters;
        return meters.find((meter: any) => meter.serialNumber === holderDemo.meters[0]!.serialNumber).verificationOverdue;
      };
      expect(await overdueAt(localInstant(rules.holderMeterDueOn, '23:59', holderSupplier.timeZone))).toBe(false);
      expect(await overdueAt(localInstant(addDays(rules.holderMeterDueOn, 1), '00:01', holderSupplier.timeZone))).toBe(true);
    });
  });
}
