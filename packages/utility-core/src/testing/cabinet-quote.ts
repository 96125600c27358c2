import { errorCodes, expectErrorCode, expectNoGraphQLErrors } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moneyOf, type CabinetFixture } from './cabinet-fixture';
import { cabinetKit } from './cabinet-kit';

/**
 * The public tariff calculator: a household's consumption priced under the tariff in force
 * today at a supplier, with or without a login, and the inputs it refuses. Prices come from the
 * fixture's `charge`; what a utility prices its own way (zones, tiers, fees, VAT) stays with it.
 */
export function describeCabinetQuote(fixture: CabinetFixture): void {
  const kit = cabinetKit(fixture);
  const { names } = kit;
  const money = 'amount currency';
  const quoteQuery = `query Quote($input: TariffQuoteInput!) { ${names.tariffQuote}(input: $input) {
    supplier { id } validFrom lines { description zone quantity unitPrice amount { ${money} } } vat { ${money} } total { ${money} } } }`;
  const { supplier } = kit.demo(fixture.holder);
  const supplierId = kit.supplierId(fixture.holder.supplier);
  const consumption = fixture.quote.consumption;
  const zone = consumption[0]!.zone;
  /** The zones of a household of the holder's: every zone its meters read. */
  const holderZones = [...new Set(kit.demo(fixture.holder).account.meters.flatMap((meter) => meter.zones))];

  describe(`${fixture.utility} tariff calculator`, () => {
    const quote = (input: Record<string, unknown>, token?: string) => kit.t.gql(quoteQuery, { token, variables: { input } });
    const quoted = async (input: Record<string, unknown>, token?: string) => expectNoGraphQLErrors(await quote(input, token))[names.tariffQuote];

    beforeAll(async () => {
      await kit.start();
    });
    afterAll(() => kit.stop());

    it('prices a consumption under the tariff in force today without a login, and a logged-in customer gets the same quote', async () => {
      const expected = fixture.charge(fixture.holder, Object.fromEntries(consumption.map((entry) => [entry.zone, entry.value])));
      const anonymous = await quoted({ supplierId, consumption });
      expect(anonymous).toEqual({
        supplier: { id: supplierId },
        validFrom: fixture.quote.validFrom,
        lines: expected.lines.map((line) => ({ description: fixture.lineDescriptions[line.zone!], ...line })),
        vat: expected.vat,
        total: expected.total,
      });
      expect(anonymous.total).toEqual(fixture.quote.total);
      const customer = await kit.customer();
      expect(await quoted({ supplierId, consumption }, customer.token)).toEqual(anonymous);
    });

    it('quotes nothing for zero consumption', async () => {
      const nothing = await quoted({ supplierId, consumption: holderZones.map((each) => ({ zone: each, value: '0' })) });
      expect(nothing).toMatchObject({ lines: [], vat: null, total: moneyOf(0, supplier.currency) });
    });

    it('refuses zone sets no household has and values that are not amounts with INVALID_CONSUMPTION, and takes a decimal comma', async () => {
      for (const set of [[], [zone, zone], ...fixture.quote.invalidZoneSets]) {
        const response = await quote({ supplierId, consumption: set.map((each) => ({ zone: each, value: '1' })) });
        expect(errorCodes(response), JSON.stringify(set)).toEqual(['INVALID_CONSUMPTION']);
      }
      for (const value of ['-1', '1e3', '1.2345', 'abc', '', ' ', '12,5,1', '1 000', 'NaN', 'Infinity', '0x10', '1234567890123']) {
        const response = await quote({ supplierId, consumption: [{ zone, value }] });
        expect(errorCodes(response), JSON.stringify(value)).toEqual(['INVALID_CONSUMPTION']);
        expectErrorCode(response, 'INVALID_CONSUMPTION');
      }
      // A decimal comma, as typed in Ukraine, prices the same as a point.
      const withComma = await quoted({ supplierId, consumption: [{ zone, value: '12,5' }] });
      expect(withComma).toEqual(await quoted({ supplierId, consumption: [{ zone, value: '12.5' }] }));
      expect(withComma.lines).toHaveLength(1);
      expect(withComma.lines[0].quantity).toBe('12.5');
    });

    it('refuses an unknown supplier with SUPPLIER_NOT_FOUND', async () => {
      for (const unknown of ['00000000-0000-4000-8000-000000000000', 'not-a-supplier', '']) {
        expect(errorCodes(await quote({ supplierId: unknown, consumption })), unknown).toEqual(['SUPPLIER_NOT_FOUND']);
      }
    });
  });
}
