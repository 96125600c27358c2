import { expectNoGraphQLErrors, type TestStack } from '@kabinet/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { accountIdOf, demoLogins, loginAs, startElectricityStack, supplierIds } from './testing/e2e';

/*
 * The gateway behind a public address: bill links start with PUBLIC_URL. Bill PDFs and
 * e-receipts themselves run for every utility in packages/utility-core/src/testing/cabinet-bills.ts
 * (subgraphs/electricity/src/cabinet.e2e.ts).
 */

const billsQuery = `query Bills($id: ID!) { electricityAccount(id: $id) { bills(first: 12) { edges { node { id pdfUrl } } } } }`;

describe('Bill links behind a public address', () => {
  let t: TestStack;
  afterAll(() => t?.stop());

  it('start with PUBLIC_URL, as clients reach the gateway from outside', async () => {
    t = await startElectricityStack({ env: { PUBLIC_URL: 'https://kabinet.example.com/' } });
    const token = await loginAs(t, demoLogins.demo);
    const id = await accountIdOf(t, supplierIds.kyiv, '10234567');
    const data = expectNoGraphQLErrors(await t.gql(billsQuery, { token, variables: { id } }));
    const link = new URL(data.electricityAccount.bills.edges[0].node.pdfUrl);
    expect(link.origin).toBe('https://kabinet.example.com');
    expect(link.pathname).toMatch(/^\/files\/electricity\/bills\/[0-9a-f-]+\.pdf$/);
  });
});
