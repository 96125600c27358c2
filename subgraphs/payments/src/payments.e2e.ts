import { readFileSync } from 'node:fs';
import { gatewaySecretHeader, signAccessToken, subgraphSecret } from '@kabinet/auth';
import { demoPayments, demoUsers } from '@kabinet/demo';
import { formatMinor } from '@kabinet/money';
import {
  expectErrorCode,
  expectNoGraphQLErrors,
  graphqlRequest,
  startTestStack,
  type GraphQLResponse,
  type TestStack,
} from '@kabinet/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const paymentsPage = `query ($first: Int, $after: String) {
  me { payments(first: $first, after: $after) {
    edges { cursor node { id status total { amount currency } createdAt items { utility accountId amount { amount currency } } } }
    pageInfo { hasNextPage endCursor }
  } }
}`;

const dashboard = readFileSync(new URL('../../../schema/operations/Dashboard.graphql', import.meta.url), 'utf8');

/** `db.execute` rows, whichever driver (PGlite answers `{ rows }`, postgres.js an array). */
function rowsOf<TRow>(result: unknown): TRow[] {
  return (Array.isArray(result) ? result : (result as { rows: TRow[] }).rows) as TRow[];
}

describe('payments subgraph', () => {
  let t: TestStack;
  const tokenFor = (userId: string) => signAccessToken(t.stack.tokenKeys, { userId, role: 'CUSTOMER', sessionId: 'test' });
  const demoUsersPayments = demoPayments
    .filter((payment) => payment.payerId === demoUsers.demo.id)
    .sort((a, b) => a.daysAgo - b.daysAgo);

  beforeAll(async () => {
    t = await startTestStack();
  });
  afterAll(() => t?.stop());

  it('lists the demo user\'s payments newest first, with their totals and items', async () => {
    const data = expectNoGraphQLErrors(await t.gql(paymentsPage, { token: await tokenFor(demoUsers.demo.id), variables: { first: 10 } }));
    const page = data.me.payments;
    expect(page.edges.map((edge: any) => edge.node.id)).toEqual(demoUsersPayments.map((payment) => payment.id));
    expect(page.pageInfo.hasNextPage).toBe(false);
    for (const [index, edge] of page.edges.entries()) {
      const expected = demoUsersPayments[index]!;
      const totalMinor = expected.items.reduce((sum, item) => sum + item.amountMinor, 0);
      expect(edge.node).toMatchObject({ status: 'CAPTURED', total: { amount: formatMinor(totalMinor, 'UAH'), currency: 'UAH' } });
      expect(edge.node.items.map((item: any) => item.amount.amount)).toEqual(expected.items.map((item) => formatMinor(item.amountMinor, 'UAH')));
    }
    const createdAt = page.edges.map((edge: any) => Date.parse(edge.node.createdAt));
    expect(createdAt).toEqual([...createdAt].sort((a, b) => b - a));
  });

  it('pages with cursors without repeating or skipping a payment', async () => {
    const token = await tokenFor(demoUsers.demo.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const response: GraphQLResponse = await t.gql(paymentsPage, { token, variables: { first: 1, after } });
      const { edges, pageInfo } = expectNoGraphQLErrors(response).me.payments;
      seen.push(...edges.map((edge: any) => edge.node.id));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toEqual(demoUsersPayments.map((payment) => payment.id));
  });

  it('refuses a page larger than 100 and a cursor it did not hand out', async () => {
    const token = await tokenFor(demoUsers.demo.id);
    // Literal or variable, `first` reaches the subgraph, which refuses it (the gateway prices it as the 100 a page holds).
    const tooLarge = await t.gql(paymentsPage, { token, variables: { first: 1000 } });
    expectErrorCode(tooLarge, 'BAD_USER_INPUT');
    expect(tooLarge.data?.me?.payments ?? null).toBeNull();
    expectErrorCode(await t.gql('{ me { payments(first: 99999999) { edges { node { id } } } } }', { token }), 'BAD_USER_INPUT');
    expectErrorCode(await t.gql(paymentsPage, { token, variables: { first: 5, after: 'bm9wZQ' } }), 'BAD_USER_INPUT');
  });

  it('shows the second user only their own payment', async () => {
    const data = expectNoGraphQLErrors(await t.gql(paymentsPage, { token: await tokenFor(demoUsers.second.id), variables: { first: 10 } }));
    expect(data.me.payments.edges.map((edge: any) => edge.node.id)).toEqual(
      demoPayments.filter((payment) => payment.payerId === demoUsers.second.id).map((payment) => payment.id),
    );
  });

  it('refuses another payer\'s payment through `_entities`, even with the gateway\'s secret', async () => {
    const token = await tokenFor(demoUsers.demo.id);
    const entities = (id: string) =>
      graphqlRequest(
        `${t.stack.subgraphs.payments.url}/graphql`,
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Checkout { id total { amount } items { accountId } } } }',
        {
          token,
          variables: { r: [{ __typename: 'Checkout', id }] },
          headers: { [gatewaySecretHeader]: subgraphSecret(t.stack.gatewaySecret, 'payments') },
        },
      );
    const own = await entities(demoUsersPayments[0]!.id);
    expect(expectNoGraphQLErrors(own)._entities[0].id).toBe(demoUsersPayments[0]!.id);

    const foreign = demoPayments.find((payment) => payment.payerId === demoUsers.second.id)!;
    const response = await entities(foreign.id);
    expectErrorCode(response, 'FORBIDDEN');
    expect(response.data?._entities ?? [null]).toEqual([null]);
    expect(JSON.stringify(response)).not.toContain(formatMinor(foreign.items[0]!.amountMinor, 'UAH'));
  });

  it('holds the same payments that the utility ledgers have posted', async () => {
    const posted = rowsOf<{ payment_id: string; account_id: string; amount: string }>(
      await t.stack.database.db.execute(sql`
        select payment_id, account_id, (-amount_minor)::text as amount from electricity.ledger_entries where kind = 'PAYMENT'
        union all
        select payment_id, account_id, (-amount_minor)::text from heat.ledger_entries where kind = 'PAYMENT'`),
    );
    const items = rowsOf<{ payment_id: string; account_id: string; amount: string }>(
      await t.stack.database.db.execute(sql`select payment_id, account_id, amount_minor::text as amount from payments.payment_items`),
    );
    const key = (row: { payment_id: string; account_id: string; amount: string }) => `${row.payment_id}/${row.account_id}/${row.amount}`;
    expect(items.length).toBe(demoPayments.flatMap((payment) => payment.items).length);
    expect(posted.map(key).sort()).toEqual(items.map(key).sort());
  });

  it('runs the Dashboard query as written', async () => {
    const data = expectNoGraphQLErrors(await t.gql(dashboard, { token: await tokenFor(demoUsers.demo.id) }));
    expect(data.me.email).toBe(demoUsers.demo.email);
    expect(data.me.electricityAccounts.length).toBeGreaterThanOrEqual(2);
    expect(data.me.heatAccounts.length).toBeGreaterThanOrEqual(2);
    expect(data.me.payments.edges.map((edge: any) => edge.node.id)).toEqual(demoUsersPayments.slice(0, 5).map((payment) => payment.id));

    const heldAccountIds = [...data.me.electricityAccounts, ...data.me.heatAccounts].map((account: any) => account.id);
    const page = expectNoGraphQLErrors(await t.gql(paymentsPage, { token: await tokenFor(demoUsers.demo.id), variables: { first: 10 } }));
    const paidAccountIds = page.me.payments.edges.flatMap((edge: any) => edge.node.items.map((item: any) => item.accountId));
    expect(paidAccountIds.length).toBeGreaterThan(0);
    expect(paidAccountIds.filter((id: string) => !heldAccountIds.includes(id))).toEqual([]);
  });
});
