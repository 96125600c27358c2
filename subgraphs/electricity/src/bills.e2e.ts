import { request } from 'node:http';
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

  it('never follow the caller\'s Host, X-Forwarded-Host or Forwarded headers', async () => {
    const token = await loginAs(t, demoLogins.demo);
    const id = await accountIdOf(t, supplierIds.kyiv, '10234567');
    const attacks: Record<string, string>[] = [
      { host: 'evil.example' },
      { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' },
      { forwarded: 'host=evil.example;proto=http' },
      { host: 'evil.example', 'x-forwarded-host': 'evil.example', forwarded: 'for=1.2.3.4;host=evil.example;proto=http' },
    ];
    for (const headers of attacks) {
      const answer = await postWithHeaders(t.url, JSON.stringify({ query: billsQuery, variables: { id } }), { ...headers, authorization: `Bearer ${token}` });
      const edges = (JSON.parse(answer) as { data: { electricityAccount: { bills: { edges: { node: { pdfUrl: string } }[] } } } }).data.electricityAccount.bills.edges;
      expect(edges.length).toBeGreaterThan(0);
      for (const { node } of edges) expect(new URL(node.pdfUrl).origin, JSON.stringify(headers)).toBe('https://kabinet.example.com');
    }
  });
});

/** A POST with headers fetch will not send as given (Host): straight over node:http. */
function postWithHeaders(url: string, body: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    sent.on('error', reject);
    sent.end(body);
  });
}
