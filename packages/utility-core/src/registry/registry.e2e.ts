import { rowsOf } from '@kabinet/db';
import { demoOperators, demoUsers, stableId } from '@kabinet/demo';
import { expectNoGraphQLErrors, loginAs, startTestStack, type TestStack } from '@kabinet/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ledgerQuery = `query ($id: ID!) { electricityAccount(id: $id) { balance { amount } ledger(first: 100) { edges { node { kind amount { amount } description } } } } }`;

describe('bank payment registries: an operator uploads the day’s file, each row posts once', () => {
  let t: TestStack;
  let operator: string;
  let gatewayOrigin: string;

  beforeAll(async () => {
    t = await startTestStack({ now: '2026-11-30T10:00:00+02:00' });
    operator = await loginAs(t, demoOperators.kyivEnergo);
    gatewayOrigin = t.stack.gateway.url.replace('localhost', '127.0.0.1');
  });
  afterAll(() => t?.stop());

  const upload = (utility: string, csv: string, options: { token?: string; source?: string } = {}) =>
    fetch(`${gatewayOrigin}/operator/payment-registries/${utility}${options.source === undefined ? '?source=PrivatBank' : options.source ? `?source=${encodeURIComponent(options.source)}` : ''}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv; charset=utf-8', ...(options.token === '' ? {} : { authorization: `Bearer ${options.token ?? operator}` }) },
      body: csv,
    });

  const registry = [
    'Дата;Особовий рахунок;Сума;Номер документа;Платник',
    '29.11.2026;10234567;250,00;PB-1001;Демченко О.',
    '29.11.2026;10987654;99,50;PB-1002;Ковальчук',
    '29.11.2026;99999999;10,00;PB-1003;Невідомий',
    '29.11.2026;10234567;12,3x;PB-1004;',
    // The bank sent one payment twice in the same file.
    '29.11.2026;10234567;250,00;PB-1001;Демченко О.',
  ].join('\n');

  it('posts matched rows once, reports unmatched and unreadable rows by line, and posts nothing when the file comes again', async () => {
    const accountId = stableId('electricity:kyiv-energo:10234567');
    const token = await loginAs(t, demoUsers.demo);
    const before = expectNoGraphQLErrors(await t.gql(ledgerQuery, { token, variables: { id: accountId } })).electricityAccount;

    const first = await upload('electricity', registry);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      source: 'ПриватБанк',
      rows: 5,
      posted: 2,
      alreadyPosted: 1,
      postedAmount: { amount: '349.50', currency: 'UAH' },
      transfers: 0,
      unmatched: [{ line: 4, accountNumber: '99999999', amount: '10.00', reference: 'PB-1003' }],
      invalid: [{ line: 5, reason: 'not a positive amount: "12,3x"' }],
    });

    const again = await (await upload('electricity', registry)).json();
    expect(again).toMatchObject({ posted: 0, alreadyPosted: 3, postedAmount: { amount: '0.00' } });
    // The same bank however the operator spells it: the file posts nothing again.
    for (const source of ['Privat Bank', 'ПриватБанк', 'privatbank', ' PRIVAT-BANK ']) {
      expect(await (await upload('electricity', registry, { source })).json(), source).toMatchObject({ posted: 0, alreadyPosted: 3, source: 'ПриватБанк' });
    }

    const after = expectNoGraphQLErrors(await t.gql(ledgerQuery, { token, variables: { id: accountId } })).electricityAccount;
    const entries = after.ledger.edges.filter((edge: any) => edge.node.description.includes('PB-1001'));
    expect(entries).toEqual([{ node: { kind: 'PAYMENT', amount: { amount: '-250.00' }, description: 'Оплата через ПриватБанк (PB-1001)' } }]);
    expect(Math.round(Number(after.balance.amount) * 100)).toBe(Math.round(Number(before.balance.amount) * 100) - 25_000);

    // The same reference from another bank is another payment.
    const other = await (await upload('electricity', registry.split('\n').slice(0, 2).join('\n'), { source: 'Укрпошта' })).json();
    expect(other).toMatchObject({ posted: 1, alreadyPosted: 0 });
    // The same bank's reference for another account or amount is no repeat: a fault to take up with the bank, posted nowhere.
    const conflicting = await (await upload('electricity', 'date;account;amount;reference\n29.11.2026;10987654;777,00;PB-1001\n29.11.2026;10234567;251,00;PB-1001')).json();
    expect(conflicting).toMatchObject({
      posted: 0,
      alreadyPosted: 0,
      invalid: [
        { line: 2, reason: 'reference PB-1001 paid another account or amount before: ask the bank which is right' },
        { line: 3, reason: 'reference PB-1001 paid another account or amount before: ask the bank which is right' },
      ],
    });
  });

  /** What the utility told payments of bank transfers, from its outbox. */
  const transfersTold = async (utility: string) =>
    rowsOf<{ destination: string; payload: Record<string, unknown> }>(
      await t.stack.database.db.execute(sql`select destination, payload from ${sql.identifier(utility)}.outbox where topic = 'utility.transfer.received' order by seq`),
    );
  /** The ledger entry a registry row posted, by the bank's reference in its description. */
  const postedFor = async (utility: string, bankReference: string) =>
    rowsOf<{ accountId: string; paymentId: string }>(
      await t.stack.database.db.execute(
        sql`select account_id as "accountId", payment_id as "paymentId" from ${sql.identifier(utility)}.ledger_entries where kind = 'PAYMENT' and description like ${`%(${bankReference})`}`,
      ),
    );

  it('tells payments of each row whose purpose carries a Kabinet transfer reference, the same payment each time its file comes', async () => {
    const before = await transfersTold('electricity');
    const csv = [
      'Дата;Особовий рахунок;Сума;Номер документа;Платник;Призначення платежу',
      '29.11.2026;10234567;123,45;TR-1;Демченко О.;Оплата за електроенергію, о/р 10234567, kb-7m2q9d4xkt',
      '29.11.2026;10987654;10,00;TR-2;Ковальчук;Оплата за електроенергію, о/р 10987654',
      // A reference on rows that post nothing: an account of no one, a date to come.
      '29.11.2026;99999999;10,00;TR-3;Невідомий;KB0000000001',
      '01.01.2030;10234567;10,00;TR-4;Демченко О.;KB0000000002',
    ].join('\n');

    expect(await (await upload('electricity', csv)).json()).toMatchObject({ posted: 2, transfers: 1, unmatched: [{ line: 4 }], invalid: [{ line: 5 }] });
    const [posted, ...more] = await postedFor('electricity', 'TR-1');
    expect(more).toEqual([]);
    expect(posted!.accountId).toBe(stableId('electricity:kyiv-energo:10234567'));
    expect((await transfersTold('electricity')).slice(before.length)).toEqual([
      {
        destination: 'payments',
        payload: {
          utility: 'electricity',
          reference: 'KB7M2Q9D4XKT',
          accountId: posted!.accountId,
          amountMinor: 12_345,
          currency: 'UAH',
          paidOn: '2026-11-29',
          ledgerPaymentId: posted!.paymentId,
        },
      },
    ]);

    // The file again posts nothing, and tells payments of the same ledger payment again (it may
    // first have come without its purpose column): payments counts it once.
    expect(await (await upload('electricity', csv)).json()).toMatchObject({ posted: 0, alreadyPosted: 2, transfers: 1 });
    const told = (await transfersTold('electricity')).slice(before.length);
    expect(told).toHaveLength(2);
    expect(told[1]).toEqual(told[0]);
    expect(await postedFor('electricity', 'TR-1')).toHaveLength(1);

    // Two uploads of one file at once: one posts it, the other finds it posted (both tell payments).
    const twice = 'date;account;amount;reference;purpose\n2026-11-29;10987654;45,00;TR-5;KB7M2Q9D4XKW';
    const reports = await Promise.all(
      [upload('electricity', twice), upload('electricity', twice)].map(async (response) => (await (await response).json()) as { posted: number; alreadyPosted: number; transfers: number }),
    );
    expect(reports.map(({ posted, alreadyPosted, transfers }) => ({ posted, alreadyPosted, transfers })).sort((x, y) => y.posted - x.posted)).toEqual([
      { posted: 1, alreadyPosted: 0, transfers: 1 },
      { posted: 0, alreadyPosted: 1, transfers: 1 },
    ]);
    const both = (await transfersTold('electricity')).filter(({ payload }) => payload.reference === 'KB7M2Q9D4XKW');
    expect(both).toHaveLength(2);
    expect(new Set(both.map(({ payload }) => payload.ledgerPaymentId)).size).toBe(1);
  });

  it('takes registries only from the supplier’s own operators, and only files it can read', async () => {
    const customer = await loginAs(t, demoUsers.demo);
    expect((await upload('electricity', registry, { token: customer })).status).toBe(403);
    expect((await upload('electricity', registry, { token: '' })).status).toBe(401);
    expect((await upload('electricity', registry, { token: 'not-a-token' })).status).toBe(401);
    // Kyiv-energo's operator is not the heat supplier's: the file is not theirs to post.
    expect((await upload('heat', registry)).status).toBe(403);
    expect((await upload('water', registry)).status).toBe(404);
    // A bank Kabinet does not know is refused, not guessed: another spelling of a known one would post its rows again.
    for (const source of ['', 'Acme Bank', 'Privat\u0000Bank']) {
      const refused = await upload('electricity', registry, { source });
      expect(refused.status, source).toBe(400);
      expect(((await refused.json()) as any).errors[0].extensions.code).toBe('UNKNOWN_REGISTRY_SOURCE');
    }
    // Control characters in a field: that row is reported, the others post (a NUL failed the whole file with a 500).
    const controls = await upload('electricity', 'date;account;amount;reference;payer\n2026-11-29;10234567;1,00;CTL-1;Ім\u0000я\n2026-11-29;10234567;1,00;CTL-2;\u009b31m\n2026-11-29;10234567;1,00;CTL-3;Демченко');
    expect(controls.status).toBe(200);
    expect(await controls.json()).toMatchObject({
      posted: 1,
      invalid: [
        { line: 2, reason: 'a field holds a control character or is too long' },
        { line: 3, reason: 'a field holds a control character or is too long' },
      ],
    });
    const garbage = await upload('electricity', 'hello;world\n1;2');
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as any).errors[0].extensions.code).toBe('REGISTRY_UNREADABLE');
    // Another supplier's account number is unmatched, never posted to that supplier.
    const odesa = await (await upload('electricity', 'date;account;amount;reference\n2026-11-29;OD4412907;10,00;X-1')).json();
    expect(odesa).toMatchObject({ posted: 0, unmatched: [{ accountNumber: 'OD4412907' }] });
  });

  it('reads bank names in quotes, refuses an implausible amount or date and a broken file without a 500, and reports rows by line', async () => {
    const token = await loginAs(t, demoUsers.demo);
    const accountId = stableId('electricity:kyiv-energo:10234567');
    const balance = async () => expectNoGraphQLErrors(await t.gql(ledgerQuery, { token, variables: { id: accountId } })).electricityAccount.balance.amount;
    const before = await balance();
    const report = await upload(
      'electricity',
      [
        'date;account;amount;reference;payer',
        '2030-01-01;10234567;1,00;Q-0;Future',
        '2026-11-29;10234567;99999999999.00;Q-1;Typo',
        '2026-11-29;10234567;1,00;Q-2;ТОВ "Ромашка"',
        '1999-11-29;10234567;1,00;Q-5;Typo in the year',
      ].join('\n'),
    );
    expect(report.status).toBe(200);
    expect(await report.json()).toMatchObject({
      posted: 1,
      postedAmount: { amount: '1.00', currency: 'UAH' },
      invalid: [
        { line: 2, reason: 'dated in the future: 2030-01-01' },
        { line: 3, reason: 'over the 1 000 000,00 one payment may carry: "99999999999.00"' },
        { line: 5, reason: 'dated more than a year ago: 1999-11-29' },
      ],
    });
    expect(Math.round(Number(await balance()) * 100)).toBe(Math.round(Number(before) * 100) - 100);

    // A quote never closed: nothing can be trusted after it, so nothing posts, and the operator is told where.
    const broken = await upload('electricity', 'date;account;amount;reference\n2026-11-29;10234567;1,00;"Q-3\n2026-11-29;10234567;1,00;Q-4');
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as any).errors[0]).toMatchObject({ extensions: { code: 'REGISTRY_UNREADABLE' }, message: expect.stringMatching(/near line 3/) });
    expect(Math.round(Number(await balance()) * 100)).toBe(Math.round(Number(before) * 100) - 100);
  });

  it('tells a rouble supplier’s operator the amounts in roubles, even when nothing posted, and takes no bank of another currency', async () => {
    const kamchatka = await loginAs(t, demoOperators.kamchatkaEnergo);
    const csv = 'date;account;amount;reference\n2026-11-29;NO-SUCH;10,00;S-1';
    for (const [token, source] of [[kamchatka, 'monobank'], [operator, 'Sberbank']] as const) {
      const refused = await upload('electricity', csv, { token, source });
      expect(refused.status, source).toBe(400);
      expect(((await refused.json()) as any).errors[0].extensions.code, source).toBe('REGISTRY_SOURCE_CURRENCY');
    }
    const report = await (await upload('electricity', 'date;account;amount;reference\n2026-11-29;NO-SUCH;10,00;S-1', { token: kamchatka, source: 'Сбербанк' })).json();
    expect(report).toMatchObject({ posted: 0, postedAmount: { amount: '0.00', currency: 'RUB' }, unmatched: [{ accountNumber: 'NO-SUCH', amount: '10.00' }] });
  });

  it('imports heat registries for the heat supplier’s operator', async () => {
    const heatOperator = await loginAs(t, demoOperators.kharkivTeplo);
    const report = await (await upload('heat', 'date;account;amount;reference\n2026-11-29;ХТМ-004518;300,00;OSCHAD-77', { token: heatOperator, source: 'Ощадбанк' })).json();
    expect(report).toMatchObject({ posted: 1, transfers: 0, unmatched: [], invalid: [] });
    expect(await transfersTold('heat')).toEqual([]);

    const transfer = await (
      await upload('heat', 'date;account;amount;reference;purpose\n2026-11-28;ХТМ-004518;1 520,00;OSCHAD-78;Опалення ХТМ-004518 KB7M2Q9D4XKV', { token: heatOperator, source: 'Ощадбанк' })
    ).json();
    expect(transfer).toMatchObject({ posted: 1, transfers: 1 });
    const [posted] = await postedFor('heat', 'OSCHAD-78');
    expect(await transfersTold('heat')).toEqual([
      {
        destination: 'payments',
        payload: { utility: 'heat', reference: 'KB7M2Q9D4XKV', accountId: posted!.accountId, amountMinor: 152_000, currency: 'UAH', paidOn: '2026-11-28', ledgerPaymentId: posted!.paymentId },
      },
    ]);
  });
});

describe('a registry larger than a GraphQL request may take', () => {
  let t: TestStack;
  beforeAll(async () => {
    // The gateway gives a subgraph's GraphQL answer 300 ms here; a registry import gets its own, longer time.
    t = await startTestStack({ now: '2026-11-30T10:00:00+02:00', env: { SUBGRAPH_TIMEOUT_MS: '300', CHECKOUT_CONFIRM_WAIT_MS: '100' } });
  });
  afterAll(() => t?.stop());

  it('is answered once every row is posted, not cut off as failed while it posts', async () => {
    const operator = await loginAs(t, demoOperators.kyivEnergo);
    const rows = Array.from({ length: 3000 }, (_, index) => `2026-11-29;10234567;0,01;BIG-${index}`);
    const started = performance.now();
    const response = await fetch(`${t.stack.gateway.url.replace('localhost', '127.0.0.1')}/operator/payment-registries/electricity?source=PrivatBank`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${operator}` },
      body: ['date;account;amount;reference', ...rows].join('\n'),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ posted: 3000, postedAmount: { amount: '30.00' } });
    // Longer than the GraphQL budget, or the test proves nothing.
    expect(performance.now() - started).toBeGreaterThan(300);
  });
});
