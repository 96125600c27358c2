import { gatewaySecretHeader, subgraphSecret } from '@kabinet/auth';
import { demoSupplierId, demoUsers } from '@kabinet/demo';
import { demoSuppliers } from './demo';
import { errorCodes, expectNoGraphQLErrors, graphqlRequest, type GraphQLResponse, type TestStack } from '@kabinet/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdOf, december2, demoLogins, loginAs, newCustomer, startElectricityStack, supplierIds, tables } from './testing/e2e';

/*
 * DESIGN.md §3: account data is its holder's and its supplier's operators', on every path the
 * gateway offers (root fields, nested fields) and on the one it uses itself (`_entities`).
 * Anonymous callers reach the supplier list, the tariff quote and anonymous readings only.
 * The victim throughout is the demo login's Kyiv-energo account 10234567; the other parties
 * are the neighbour (holds an Odesa account), a fresh login holding nothing, Odesa-energo's
 * operator, and nobody at all.
 */

type Party = 'demo' | 'neighbour' | 'stranger' | 'kyivOperator' | 'odesaOperator' | 'anonymous';

/**
 * Everything an account shows its holder, in parts (the gateway's cost limit refuses it all in
 * one query): none of it may reach anyone else.
 */
const accountParts = [
  `id accountNumber address holderName kind contractNumber supplier { id name } balance { amount currency }
    readingWindow { period isOpen } eReceipts { email status }`,
  `meters(includeRemoved: true) { id serialNumber zones removedOn latestReading { zone value }
    readings(first: 20) { edges { node { zone value period source } } } }`,
  `latestBill { id period receiptCode amountDue { amount } pdfUrl } bill(period: "2026-10") { id receiptCode }`,
  `bills(first: 20) { edges { node { id period receiptCode amountDue { amount } charges { amount } pdfUrl
    lines { description amount { amount } } meterReadings { meterSerialNumber currentValue } } } }`,
  `ledger(first: 20) { edges { node { id kind amount { amount } description } } }`,
  `consumptionHistory(months: 12) { period total charged { amount } } paymentsReport { period paid { amount } count }`,
  `appeals { id accountNumber subject status messages { authorRole body } }`,
];
const fullAccount = accountParts.join('\n');
const accountQuery = (part: string) => `query Account($id: ID!) { electricityAccount(id: $id) { ${part} } }`;
const entitiesQuery = (selection: string) =>
  `query Entities($representations: [_Any!]!) { _entities(representations: $representations) { ${selection} } }`;

const mutations = {
  link: `mutation ($input: LinkAccountInput!) { linkElectricityAccount(input: $input) { account { id accountNumber holderName } } }`,
  unlink: `mutation ($input: AccountIdInput!) { unlinkElectricityAccount(input: $input) { accountId } }`,
  issueLinkCode: `mutation ($input: IssueLinkCodeInput!) { issueElectricityLinkCode(input: $input) { linkCode { code accountNumber expiresAt } } }`,
  submit: `mutation ($input: SubmitReadingsInput!) { submitElectricityReadings(input: $input) {
    account { accountNumber balance { amount } } readings { zone value } preliminaryCharge { total { amount } } } }`,
  submitAnonymously: `mutation ($input: SubmitReadingsAnonymouslyInput!) { submitElectricityReadingsAnonymously(input: $input) {
    period acceptedReadings preliminaryCharge { total { amount } } } }`,
  replaceMeter: `mutation ($input: ReplaceMeterInput!) { replaceElectricityMeter(input: $input) {
    account { accountNumber } meter { id serialNumber } } }`,
  runBilling: `mutation ($input: RunBillingInput!) { runElectricityBilling(input: $input) { run { id period billsIssued } } }`,
  subscribe: `mutation ($input: SubscribeEReceiptsInput!) { subscribeElectricityEReceipts(input: $input) { subscription { email status } } }`,
  confirm: `mutation ($input: ConfirmEReceiptsInput!) { confirmElectricityEReceipts(input: $input) { subscription { email status } } }`,
  unsubscribe: `mutation ($input: AccountIdInput!) { unsubscribeElectricityEReceipts(input: $input) { subscription { email status } } }`,
  createAppeal: `mutation ($input: CreateAppealInput!) { createElectricityAppeal(input: $input) { appeal { id accountNumber subject } } }`,
  reply: `mutation ($input: ReplyToAppealInput!) { replyToElectricityAppeal(input: $input) { appeal { id status messages { body } } } }`,
  close: `mutation ($input: AppealIdInput!) { closeElectricityAppeal(input: $input) { appeal { id status } } }`,
};

describe('Authorization of electricity account data, end to end', () => {
  let t: TestStack;
  const tokens = {} as Record<Party, string | undefined>;
  let stranger: Awaited<ReturnType<typeof newCustomer>>;
  const ids = { demoKyiv: '', demoLviv: '', neighbourOdesa: '', unheldKyiv: '' };
  /** What the holder sees of the victim account; no refused response may contain any of it. */
  let secrets: string[] = [];
  let demoMeter: { id: string; serialNumber: string; zones: string[]; latestReading: { value: string } };
  let demoAppealId: string;

  const as = (party: Party, query: string, variables: Record<string, unknown> = {}) =>
    t.gql(query, { token: tokens[party], variables });

  /** What the gateway sends a subgraph: straight at it, with its per-subgraph secret. */
  const atSubgraph = (party: Party, query: string, variables: Record<string, unknown>, secret = subgraphSecret(t.stack.gatewaySecret, 'electricity')) =>
    graphqlRequest(`${t.stack.subgraphs.electricity.url}/graphql`, query, {
      token: tokens[party],
      variables,
      headers: secret === null ? {} : { [gatewaySecretHeader]: secret },
    });

  /**
   * A refusal: only `code` among the errors, no stack trace, and not one of the victim's
   * values anywhere in the response.
   */
  function expectRefused(response: GraphQLResponse, code: string, leaks = secrets) {
    const body = JSON.stringify(response);
    expect(errorCodes(response).length, body).toBeGreaterThan(0);
    expect([...new Set(errorCodes(response))], body).toEqual([code]);
    expect(body).not.toMatch(/stacktrace|\bat .+\.(ts|js):\d+/);
    for (const secret of leaks) expect(body, `the response leaks ${secret}`).not.toContain(secret);
  }

  /**
   * A refused field answers no data: nullable fields come back null beside the error (an
   * account whose selected fields are all nullable is `{ latestBill: null }`), never a value.
   */
  function expectNoData(data: unknown, message?: string) {
    const empty = (value: unknown): boolean =>
      value === null || value === undefined || (typeof value === 'object' && Object.values(value as object).every(empty));
    expect(empty(data), `${message ?? ''} ${JSON.stringify(data)}`).toBe(true);
  }

  /** The victim account, every part of it, as `party` sees it. */
  async function victimAs(party: Party, id = ids.demoKyiv) {
    let account: Record<string, unknown> = {};
    for (const part of accountParts) {
      account = { ...account, ...expectNoGraphQLErrors(await as(party, accountQuery(part), { id })).electricityAccount };
    }
    return account as Record<string, any>;
  }

  /** The victim account as its holder and its supplier see it, and what only the database shows. */
  async function snapshot() {
    const holderView = await victimAs('demo');
    // pdfUrl is signed afresh on every request; what it points at is compared instead.
    const stable = JSON.parse(JSON.stringify(holderView).replace(/"pdfUrl":"([^"?]+)\?token=[^"]*"/g, '"pdfUrl":"$1"'));
    const mine = expectNoGraphQLErrors(await as('demo', `{ me { electricityAccounts { id } } }`)).me.electricityAccounts;
    const runs = async (party: Party) =>
      expectNoGraphQLErrors(await as(party, `{ electricityBillingRuns { id period billsIssued finishedAt } }`)).electricityBillingRuns;
    const db = t.stack.database.db;
    const [linkCodes] = await db
      .select({ count: sql<number>`count(*)::int` })
      .from(tables.linkCodes)
      .where(eq(tables.linkCodes.accountId, ids.demoKyiv));
    const [account] = await db
      .select({ holderUserId: tables.accounts.holderUserId, linkedAt: tables.accounts.linkedAt })
      .from(tables.accounts)
      .where(eq(tables.accounts.id, ids.demoKyiv));
    const [subscription] = await db.select().from(tables.eReceiptSubscriptions).where(eq(tables.eReceiptSubscriptions.accountId, ids.demoKyiv));
    return {
      holderView: stable,
      demoHolds: mine.map((held: { id: string }) => held.id).sort(),
      kyivRuns: await runs('kyivOperator'),
      odesaRuns: await runs('odesaOperator'),
      linkCodes: linkCodes!.count,
      account,
      subscription,
      mails: t.mailbox.messages.length,
    };
  }

  /** Runs `attempt` for each wrong party, expecting its code, then checks that nothing changed. */
  async function expectNoEffect(attempts: [Party, string][], attempt: (party: Party) => Promise<GraphQLResponse>) {
    const before = await snapshot();
    for (const [party, code] of attempts) {
      const response = await attempt(party);
      expect(response.data ?? null, `${party}: ${JSON.stringify(response)}`).toBeNull();
      expectRefused(response, code);
    }
    expect(await snapshot()).toEqual(before);
  }

  const wrongHolders: [Party, string][] = [
    ['neighbour', 'FORBIDDEN'],
    ['stranger', 'FORBIDDEN'],
    ['kyivOperator', 'FORBIDDEN'],
    ['odesaOperator', 'FORBIDDEN'],
    ['anonymous', 'UNAUTHENTICATED'],
  ];

  beforeAll(async () => {
    t = await startElectricityStack();
    tokens.demo = await loginAs(t, demoLogins.demo);
    tokens.neighbour = await loginAs(t, demoLogins.neighbour);
    tokens.kyivOperator = await loginAs(t, demoLogins.kyivOperator);
    tokens.odesaOperator = await loginAs(t, demoLogins.odesaOperator);
    stranger = await newCustomer(t);
    tokens.stranger = stranger.token;
    tokens.anonymous = undefined;
    ids.demoKyiv = await accountIdOf(t, supplierIds.kyiv, '10234567');
    ids.demoLviv = await accountIdOf(t, supplierIds.lviv, '46-208311');
    ids.neighbourOdesa = await accountIdOf(t, supplierIds.odesa, 'OD4412907');
    ids.unheldKyiv = await accountIdOf(t, supplierIds.kyiv, '10987654');

    // The victim has an appeal and e-receipts too, so that there is something to leak or change.
    const appeal = expectNoGraphQLErrors(
      await as('demo', mutations.createAppeal, {
        input: { accountId: ids.demoKyiv, kind: 'QUESTION', subject: 'Чому такий рахунок за жовтень', body: 'Прошу пояснити нарахування Q7-приватне' },
      }),
    );
    demoAppealId = appeal.createElectricityAppeal.appeal.id;
    expectNoGraphQLErrors(await as('demo', mutations.subscribe, { input: { accountId: ids.demoKyiv } }));

    const victim = await victimAs('demo');
    expect(victim.accountNumber).toBe('10234567');
    expect(victim.bills.edges.length).toBe(4);
    demoMeter = victim.meters[0];
    secrets = [
      victim.accountNumber,
      victim.holderName,
      victim.address,
      'Хрещатик',
      ...victim.meters.map((meter: { serialNumber: string }) => meter.serialNumber),
      ...victim.bills.edges.map((edge: { node: { receiptCode: string } }) => edge.node.receiptCode),
      ...victim.bills.edges.map((edge: { node: { amountDue: { amount: string } } }) => edge.node.amountDue.amount),
      victim.balance.amount,
      demoUsers.demo.email,
      'Чому такий рахунок за жовтень',
      'Q7-приватне',
    ];
    // Amounts short enough to turn up by chance (0.00) would prove nothing either way.
    secrets = [...new Set(secrets)].filter((secret) => secret.replace(/\D/g, '').length >= 4 || /\D{4}/.test(secret));
    expect(secrets.length).toBeGreaterThanOrEqual(12);
  });
  afterAll(() => t?.stop());

  describe('root and nested fields through the gateway', () => {
    it('shows each holder their own accounts and nobody else\'s', async () => {
      const held = async (party: Party) =>
        expectNoGraphQLErrors(await as(party, `{ me { electricityAccounts { accountNumber } } }`)).me.electricityAccounts.map(
          (account: { accountNumber: string }) => account.accountNumber,
        );
      expect((await held('demo')).sort()).toEqual(['10234567', '46-208311']);
      expect(await held('neighbour')).toEqual(['4100112233', 'OD4412907']);
      expect(await held('kyivOperator')).toEqual([]);

      // The holder sees everything of their own account.
      const own = await victimAs('demo');
      expect(own).toMatchObject({ accountNumber: '10234567', holderName: 'Демченко Олена Іванівна', eReceipts: { status: 'ACTIVE' } });
      expect(own.appeals).toHaveLength(1);
    });

    it('refuses another holder\'s account by id, with every nested field, and shows none of it', async () => {
      for (const party of ['neighbour', 'stranger'] as const) {
        for (const part of accountParts) {
          const response = await as(party, accountQuery(part), { id: ids.demoKyiv });
          expectNoData(response.data);
          expectRefused(response, 'FORBIDDEN');
        }
      }
      // An account nobody holds is nobody's to read either.
      const unheld = await as('stranger', `query ($id: ID!) { electricityAccount(id: $id) { accountNumber holderName } }`, { id: ids.unheldKyiv });
      expectRefused(unheld, 'FORBIDDEN', ['10987654', 'Ковальчук']);
      // A made-up id is simply not there.
      const missing = expectNoGraphQLErrors(
        await as('neighbour', `query ($id: ID!) { electricityAccount(id: $id) { accountNumber } }`, { id: '00000000-0000-4000-8000-000000000000' }),
      );
      expect(missing).toEqual({ electricityAccount: null });
    });

    it('refuses each nested field of another holder\'s account on its own', async () => {
      const nested = [
        'bills(first: 12) { edges { node { receiptCode pdfUrl amountDue { amount } } } }',
        'bill(period: "2026-10") { receiptCode pdfUrl }',
        'latestBill { receiptCode pdfUrl }',
        'ledger(first: 20) { edges { node { amount { amount } description } } }',
        'meters(includeRemoved: true) { serialNumber readings(first: 12) { edges { node { value period } } } }',
        'meters { latestReadings { value } }',
        'appeals { subject messages { body } }',
        'eReceipts { email }',
        'balance { amount }',
        'consumptionHistory { total charged { amount } }',
        'paymentsReport { paid { amount } }',
      ];
      for (const selection of nested) {
        for (const party of ['neighbour', 'odesaOperator'] as const) {
          const response = await as(party, `query ($id: ID!) { electricityAccount(id: $id) { ${selection} } }`, { id: ids.demoKyiv });
          expectNoData(response.data, `${party} ${selection}`);
          expectRefused(response, 'FORBIDDEN');
        }
      }
    });

    it('answers one\'s own account and refuses another\'s in the same request', async () => {
      const query = `query ($own: ID!, $theirs: ID!) {
        own: electricityAccount(id: $own) { accountNumber meters { serialNumber } latestBill { receiptCode } }
        theirs: electricityAccount(id: $theirs) { accountNumber meters { serialNumber } latestBill { receiptCode } }
      }`;
      const response = await as('neighbour', query, { own: ids.neighbourOdesa, theirs: ids.demoKyiv });
      expect(response.data?.own).toMatchObject({ accountNumber: 'OD4412907', meters: [{ serialNumber: 'ENERGOMERA-CE101-0093' }] });
      expect(response.data?.theirs).toBeNull();
      expect(response.errors?.length).toBeGreaterThan(0);
      for (const error of response.errors!) expect(error.path?.[0]).toBe('theirs');
      expectRefused({ ...response, data: { theirs: response.data?.theirs } }, 'FORBIDDEN');

      // The same for an operator: their supplier's account, and another supplier's.
      const operator = await as('kyivOperator', query, { own: ids.demoKyiv, theirs: ids.neighbourOdesa });
      expect(operator.data?.own).toMatchObject({ accountNumber: '10234567' });
      expect(operator.data?.theirs).toBeNull();
      expectRefused({ ...operator, data: { theirs: operator.data?.theirs } }, 'FORBIDDEN', ['OD4412907', 'ENERGOMERA-CE101-0093', 'Сусіденко']);
    });

    it('shows operators their own supplier\'s accounts only', async () => {
      const kyiv = await victimAs('kyivOperator');
      expect(kyiv).toMatchObject({ accountNumber: '10234567', holderName: 'Демченко Олена Іванівна' });
      expect(kyiv.appeals.map((appeal: { id: string }) => appeal.id)).toEqual([demoAppealId]);

      // The same holder's Lviv account is not Kyiv-energo's business.
      for (const part of accountParts) {
        const lviv = await as('kyivOperator', accountQuery(part), { id: ids.demoLviv });
        expectNoData(lviv.data);
        expectRefused(lviv, 'FORBIDDEN', ['46-208311', 'Личаківська', 'EM-3F-7781204']);

        const odesa = await as('odesaOperator', accountQuery(part), { id: ids.demoKyiv });
        expectNoData(odesa.data);
        expectRefused(odesa, 'FORBIDDEN');
      }
      expect((await victimAs('odesaOperator', ids.neighbourOdesa)).accountNumber).toBe('OD4412907');
    });

    it('finds accounts by number for operators, within their own supplier only', async () => {
      const byNumber = `query ($number: String!) { electricityAccountByNumber(accountNumber: $number) { id accountNumber holderName meters { serialNumber } } }`;
      const kyiv = expectNoGraphQLErrors(await as('kyivOperator', byNumber, { number: '10234567' }));
      expect(kyiv.electricityAccountByNumber).toMatchObject({ id: ids.demoKyiv, accountNumber: '10234567' });
      // Another supplier's number is not in the operator's supplier: nothing found, nothing shown.
      expect(expectNoGraphQLErrors(await as('odesaOperator', byNumber, { number: '10234567' }))).toEqual({ electricityAccountByNumber: null });
      expect(expectNoGraphQLErrors(await as('kyivOperator', byNumber, { number: '46-208311' }))).toEqual({ electricityAccountByNumber: null });
      expect(expectNoGraphQLErrors(await as('kyivOperator', byNumber, { number: 'OD4412907' }))).toEqual({ electricityAccountByNumber: null });

      // Customers look accounts up by id among their own, never by number: not even their own number.
      for (const party of ['demo', 'neighbour', 'stranger'] as const) {
        const response = await as(party, byNumber, { number: '10234567' });
        expect(response.data?.electricityAccountByNumber ?? null).toBeNull();
        expectRefused(response, 'FORBIDDEN');
      }
      expectRefused(await as('anonymous', byNumber, { number: '10234567' }), 'UNAUTHENTICATED');
    });

    it('keeps a supplier\'s appeal queue and billing runs to its own operators', async () => {
      const appealsQuery = `{ electricityAppeals { edges { node { id accountNumber subject messages { body } } } } }`;
      const kyiv = expectNoGraphQLErrors(await as('kyivOperator', appealsQuery)).electricityAppeals.edges.map((edge: any) => edge.node);
      expect(kyiv.map((appeal: { id: string }) => appeal.id)).toContain(demoAppealId);
      const odesa = await as('odesaOperator', appealsQuery);
      expect(expectNoGraphQLErrors(odesa).electricityAppeals.edges.map((edge: any) => edge.node.id)).not.toContain(demoAppealId);
      for (const secret of secrets) expect(JSON.stringify(odesa)).not.toContain(secret);

      for (const query of [appealsQuery, `{ electricityBillingRuns { id period billsIssued } }`]) {
        for (const party of ['demo', 'neighbour', 'stranger'] as const) {
          const response = await as(party, query);
          expect(response.data ?? null).toBeNull();
          expectRefused(response, 'FORBIDDEN');
        }
        expectRefused(await as('anonymous', query), 'UNAUTHENTICATED');
      }
    });

    it('lets anonymous callers reach only the supplier list, the tariff quote and anonymous readings', async () => {
      const suppliers = expectNoGraphQLErrors(await as('anonymous', `{ electricitySuppliers { id name linkProofs readingWindow { period isOpen } } }`));
      expect(suppliers.electricitySuppliers.map((supplier: { id: string }) => supplier.id).sort()).toEqual(
        demoSuppliers.map((supplier) => demoSupplierId('electricity', supplier.code)).sort(),
      );

      const quote = expectNoGraphQLErrors(
        await as('anonymous', `query ($input: TariffQuoteInput!) { electricityTariffQuote(input: $input) { total { amount currency } } }`, {
          input: { supplierId: supplierIds.kyiv, consumption: [{ zone: 'SINGLE', value: '100' }] },
        }),
      );
      expect(quote.electricityTariffQuote.total).toEqual({ amount: '432.00', currency: 'UAH' });

      // Readings without a login: the account number and the holder's surname are the proof.
      const unheld = expectNoGraphQLErrors(await as('kyivOperator', `query ($id: ID!) { electricityAccount(id: $id) { meters { serialNumber latestReading { value } } } }`, { id: ids.unheldKyiv }));
      const meter = unheld.electricityAccount.meters[0];
      const reading = (checkValue: string) => ({
        input: {
          supplierId: supplierIds.kyiv,
          accountNumber: '10987654',
          check: 'HOLDER_SURNAME',
          checkValue,
          readings: [{ meterSerialNumber: meter.serialNumber, zone: 'SINGLE', value: String(Number(meter.latestReading.value) + 150) }],
        },
      });
      const wrong = await as('anonymous', mutations.submitAnonymously, reading('Петренко'));
      expect(wrong.data ?? null).toBeNull();
      expectRefused(wrong, 'ACCOUNT_CHECK_FAILED', ['Ковальчук', meter.serialNumber, 'Перемоги']);
      const accepted = expectNoGraphQLErrors(await as('anonymous', mutations.submitAnonymously, reading('Ковальчук')));
      expect(accepted.submitElectricityReadingsAnonymously).toMatchObject({ period: '2026-11', acceptedReadings: 1, preliminaryCharge: { total: { amount: '648.00' } } });

      // A confirmation link is a proof of its own; a made-up one opens nothing.
      expectRefused(await as('anonymous', mutations.confirm, { input: { token: 'x'.repeat(43) } }), 'INVALID_TOKEN');

      // Everything else is for logged-in users.
      const closed: [string, Record<string, unknown>][] = [
        ...accountParts.map((part): [string, Record<string, unknown>] => [accountQuery(part), { id: ids.demoKyiv }]),
        [`query ($n: String!) { electricityAccountByNumber(accountNumber: $n) { id } }`, { n: '10234567' }],
        [`{ electricityAppeals { edges { node { id } } } }`, {}],
        [`{ electricityBillingRuns { id } }`, {}],
        [`{ me { electricityAccounts { id } } }`, {}],
      ];
      for (const [query, variables] of closed) {
        const response = await as('anonymous', query, variables);
        expectNoData(response.data, query);
        expectRefused(response, 'UNAUTHENTICATED');
      }
    });
  });

  describe('_entities straight at the subgraph with the gateway\'s secret', () => {
    const accountSelection = `... on ElectricityAccount { ${fullAccount} }`;
    const rep = (id: string) => ({ __typename: 'ElectricityAccount', id });

    it('resolves an account reference for its holder and its supplier\'s operator only', async () => {
      for (const party of ['demo', 'kyivOperator'] as const) {
        const response = await atSubgraph(party, entitiesQuery(accountSelection), { representations: [rep(ids.demoKyiv)] });
        expect(expectNoGraphQLErrors(response)._entities[0]).toMatchObject({ accountNumber: '10234567' });
      }
      for (const [party, code] of [
        ['neighbour', 'FORBIDDEN'],
        ['stranger', 'FORBIDDEN'],
        ['odesaOperator', 'FORBIDDEN'],
        ['anonymous', 'UNAUTHENTICATED'],
      ] as const) {
        const response = await atSubgraph(party, entitiesQuery(accountSelection), { representations: [rep(ids.demoKyiv)] });
        expect(response.data?._entities ?? [null], party).toEqual([null]);
        expectRefused(response, code);
      }
    });

    it('refuses each nested field of a foreign account reference on its own', async () => {
      for (const selection of [
        'bills { edges { node { receiptCode pdfUrl } } }',
        'ledger { edges { node { amount { amount } } } }',
        'meters { serialNumber readings { edges { node { value } } } }',
        'appeals { subject }',
        'eReceipts { email }',
        'latestBill { amountDue { amount } }',
      ]) {
        const response = await atSubgraph('neighbour', entitiesQuery(`... on ElectricityAccount { ${selection} }`), { representations: [rep(ids.demoKyiv)] });
        expectNoData(response.data, selection);
        expectRefused(response, 'FORBIDDEN');
      }
    });

    it('answers a batch of references one by one: own data back, foreign data refused', async () => {
      const response = await atSubgraph('neighbour', entitiesQuery('... on ElectricityAccount { accountNumber meters { serialNumber } latestBill { receiptCode } }'), {
        representations: [rep(ids.neighbourOdesa), rep(ids.demoKyiv), rep(ids.demoLviv)],
      });
      expect(response.data?._entities?.[0]).toMatchObject({ accountNumber: 'OD4412907', meters: [{ serialNumber: 'ENERGOMERA-CE101-0093' }] });
      expect(response.data?._entities?.slice(1)).toEqual([null, null]);
      for (const error of response.errors ?? []) expect([1, 2]).toContain(error.path?.[1]);
      expectRefused({ ...response, data: { rest: response.data?._entities?.slice(1) } }, 'FORBIDDEN', [...secrets, '46-208311', 'EM-3F-7781204']);
    });

    it('gives a login\'s account list (`User`) to that login only', async () => {
      const selection = '... on User { id electricityAccounts { accountNumber meters { serialNumber } } }';
      const own = expectNoGraphQLErrors(await atSubgraph('demo', entitiesQuery(selection), { representations: [{ __typename: 'User', id: demoUsers.demo.id }] }));
      expect(own._entities[0].electricityAccounts.map((account: { accountNumber: string }) => account.accountNumber).sort()).toEqual(['10234567', '46-208311']);

      for (const [party, code] of [
        ['neighbour', 'FORBIDDEN'],
        ['stranger', 'FORBIDDEN'],
        // Kyiv-energo's operator must not learn the holder's Lviv account this way.
        ['kyivOperator', 'FORBIDDEN'],
        ['odesaOperator', 'FORBIDDEN'],
        ['anonymous', 'UNAUTHENTICATED'],
      ] as const) {
        const response = await atSubgraph(party, entitiesQuery(selection), { representations: [{ __typename: 'User', id: demoUsers.demo.id }] });
        expect(response.data?._entities ?? [null], party).toEqual([null]);
        expectRefused(response, code, [...secrets, '46-208311', 'EM-3F-7781204']);
      }

      // A batch of the caller's own User and someone else's.
      const batch = await atSubgraph('neighbour', entitiesQuery(selection), {
        representations: [
          { __typename: 'User', id: demoUsers.second.id },
          { __typename: 'User', id: demoUsers.demo.id },
        ],
      });
      expect(batch.data?._entities?.[0]).toMatchObject({ electricityAccounts: [{ accountNumber: '4100112233' }, { accountNumber: 'OD4412907' }] });
      expect(batch.data?._entities?.[1]).toBeNull();
      expectRefused({ ...batch, data: { rest: batch.data?._entities?.[1] } }, 'FORBIDDEN', [...secrets, '46-208311']);
    });

    it('answers nobody but the gateway', async () => {
      const query = entitiesQuery('... on ElectricityAccount { accountNumber }');
      const variables = { representations: [rep(ids.demoKyiv)] };
      for (const secret of [null, 'guess', subgraphSecret(t.stack.gatewaySecret, 'heat'), subgraphSecret(t.stack.gatewaySecret, 'identity')]) {
        const response = await atSubgraph('demo', query, variables, secret as string);
        expect(response.status, String(secret)).toBe(403);
        expect(response.data ?? null).toBeNull();
        expectRefused(response, 'FORBIDDEN');
      }
    });
  });

  describe('mutations by the wrong party: refused, and nothing changes', () => {
    it('unlinkElectricityAccount', async () => {
      await expectNoEffect(wrongHolders, (party) => as(party, mutations.unlink, { input: { accountId: ids.demoKyiv } }));
    });

    it('submitElectricityReadings', async () => {
      const value = String(Number(demoMeter.latestReading.value) + 120);
      const readings = demoMeter.zones.map((zone) => ({ meterId: demoMeter.id, zone, value }));
      await expectNoEffect(wrongHolders, (party) => as(party, mutations.submit, { input: { accountId: ids.demoKyiv, readings, confirmUnusual: true } }));
    });

    it('subscribeElectricityEReceipts and unsubscribeElectricityEReceipts', async () => {
      await expectNoEffect(wrongHolders, (party) => as(party, mutations.subscribe, { input: { accountId: ids.demoKyiv, email: 'attacker@kabinet.test' } }));
      await expectNoEffect(wrongHolders, (party) => as(party, mutations.subscribe, { input: { accountId: ids.demoKyiv } }));
      await expectNoEffect(wrongHolders, (party) => as(party, mutations.unsubscribe, { input: { accountId: ids.demoKyiv } }));
      expect(t.mailbox.messages.filter((mail) => mail.to.includes('attacker@kabinet.test'))).toEqual([]);
    });

    it('createElectricityAppeal', async () => {
      await expectNoEffect(wrongHolders, (party) =>
        as(party, mutations.createAppeal, { input: { accountId: ids.demoKyiv, kind: 'COMPLAINT', subject: 'Чуже звернення', body: 'Від чужої особи' } }),
      );
    });

    it('replyToElectricityAppeal and closeElectricityAppeal', async () => {
      const wrongParties: [Party, string][] = [
        ['neighbour', 'FORBIDDEN'],
        ['stranger', 'FORBIDDEN'],
        ['odesaOperator', 'FORBIDDEN'],
        ['anonymous', 'UNAUTHENTICATED'],
      ];
      await expectNoEffect(wrongParties, (party) => as(party, mutations.reply, { input: { appealId: demoAppealId, body: 'Чужа відповідь' } }));
      await expectNoEffect(wrongParties, (party) => as(party, mutations.close, { input: { appealId: demoAppealId } }));
    });

    it('linkElectricityAccount of an account another login holds', async () => {
      await expectNoEffect(
        [
          ['neighbour', 'ACCOUNT_HELD_BY_ANOTHER_LOGIN'],
          ['stranger', 'ACCOUNT_HELD_BY_ANOTHER_LOGIN'],
          ['anonymous', 'UNAUTHENTICATED'],
        ],
        (party) =>
          as(party, mutations.link, {
            input: { supplierId: supplierIds.kyiv, accountNumber: '10234567', proof: { kind: 'HOLDER_SURNAME', value: demoUsers.demo.surname } },
          }),
      );
    });

    it('issueElectricityLinkCode', async () => {
      await expectNoEffect(
        [
          ['demo', 'FORBIDDEN'],
          ['neighbour', 'FORBIDDEN'],
          ['stranger', 'FORBIDDEN'],
          // Operators name accounts by number within their own supplier: Odesa-energo has no 10234567.
          ['odesaOperator', 'ACCOUNT_NOT_FOUND'],
          ['anonymous', 'UNAUTHENTICATED'],
        ],
        (party) => as(party, mutations.issueLinkCode, { input: { accountNumber: '10234567' } }),
      );
    });

    it('replaceElectricityMeter', async () => {
      const input = {
        meterId: demoMeter.id,
        finalValues: demoMeter.zones.map((zone) => ({ zone, value: String(Number(demoMeter.latestReading.value) + 50) })),
        newMeter: {
          serialNumber: 'ATTACKER-0001',
          zones: demoMeter.zones,
          digits: 6,
          installedOn: '2026-12-02',
          lastVerifiedOn: '2026-12-01',
          verificationIntervalYears: 16,
          initialValues: demoMeter.zones.map((zone) => ({ zone, value: '0' })),
        },
      };
      await expectNoEffect(
        [
          ['demo', 'FORBIDDEN'],
          ['neighbour', 'FORBIDDEN'],
          ['stranger', 'FORBIDDEN'],
          // The meter is named by its id: another supplier's operator is refused like any other party.
          ['odesaOperator', 'FORBIDDEN'],
          ['anonymous', 'UNAUTHENTICATED'],
        ],
        (party) => as(party, mutations.replaceMeter, { input }),
      );
    });

    it('runElectricityBilling', async () => {
      // 6 December: November's window has closed, so Kyiv-energo's own operator could bill it now.
      t.clock.set('2026-12-06T08:00:00Z');
      try {
        await expectNoEffect(
          [
            ['demo', 'FORBIDDEN'],
            ['neighbour', 'FORBIDDEN'],
            ['stranger', 'FORBIDDEN'],
            ['odesaOperator', 'FORBIDDEN'],
            ['anonymous', 'UNAUTHENTICATED'],
          ],
          (party) => as(party, mutations.runBilling, { input: { period: '2026-11', supplierId: supplierIds.kyiv } }),
        );
        // Without naming a supplier, an operator bills their own; Kyiv-energo's accounts stay unbilled.
        const odesa = expectNoGraphQLErrors(await as('odesaOperator', mutations.runBilling, { input: { period: '2026-11' } }));
        expect(odesa.runElectricityBilling.run).toMatchObject({ period: '2026-11', billsIssued: 2 });
        const kyivRuns = expectNoGraphQLErrors(await as('kyivOperator', `{ electricityBillingRuns { period } }`)).electricityBillingRuns;
        expect(kyivRuns.map((run: { period: string }) => run.period)).not.toContain('2026-11');
        t.clock.set('2026-12-07T08:00:00Z');
        const bill = expectNoGraphQLErrors(await as('demo', `query ($id: ID!) { electricityAccount(id: $id) { bill(period: "2026-11") { id } } }`, { id: ids.demoKyiv }));
        expect(bill.electricityAccount.bill).toBeNull();
      } finally {
        t.clock.set(december2);
      }
    });
  });
});
