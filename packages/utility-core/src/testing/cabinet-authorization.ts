import { gatewaySecretHeader, subgraphSecret } from '@kabinet/auth';
import { Big } from '@kabinet/money';
import { errorCodes, expectNoGraphQLErrors, graphqlRequest, type GraphQLResponse } from '@kabinet/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate, meterValue, type AccountRef, type CabinetFixture } from './cabinet-fixture';
import { cabinetKit, demoHolders, type CabinetKit } from './cabinet-kit';

type Party = 'demo' | 'neighbour' | 'stranger' | 'holderOperator' | 'neighbourOperator' | 'anonymous';

/**
 * Account data is its holder's and its supplier's operators', on every path the gateway offers
 * (root fields, nested fields) and on the one it uses itself (`_entities`); anonymous callers
 * reach the supplier list, the tariff quote and readings without a login only. The victim is
 * the demo login's account (`fixture.holder`); the other parties are the second demo login, a
 * fresh login holding nothing, the operators of the victim's and of the neighbour's suppliers,
 * and nobody at all.
 */
export function describeCabinetAuthorization(fixture: CabinetFixture): void {
  const kit = cabinetKit(fixture);
  const { names, tables } = kit;
  const lastDemoMonth = fixture.demoMonths.at(-1)!;
  /** Everything an account shows its holder, in parts (the gateway's cost limit refuses it all in one query). */
  const accountParts = [
    `id accountNumber address holderName kind contractNumber supplier { id name } balance { amount currency } readingWindow { period isOpen } eReceipts { email status }`,
    `meters(includeRemoved: true) { id serialNumber zones removedOn latestReading { zone value } readings(first: 20) { edges { node { zone value period source } } } }`,
    `latestBill { id period receiptCode amountDue { amount } pdfUrl } bill(period: "${lastDemoMonth}") { id receiptCode }`,
    `bills(first: 20) { edges { node { id period receiptCode amountDue { amount } charges { amount } pdfUrl lines { description amount { amount } } meterReadings { meterSerialNumber currentValue } } } }`,
    `ledger(first: 20) { edges { node { id kind amount { amount } description } } }`,
    `consumptionHistory(months: 12) { period total charged { amount } } paymentsReport { period paid { amount } count }`,
    `appeals { id accountNumber subject status messages { authorRole body } }`,
  ];
  const accountQuery = (part: string) => `query Account($id: ID!) { ${names.account}(id: $id) { ${part} } }`;
  const entitiesQuery = (selection: string) => `query Entities($representations: [_Any!]!) { _entities(representations: $representations) { ${selection} } }`;
  const mutations = {
    link: `mutation ($input: LinkAccountInput!) { ${names.link}(input: $input) { account { id accountNumber holderName } } }`,
    unlink: `mutation ($input: AccountIdInput!) { ${names.unlink}(input: $input) { accountId } }`,
    issueLinkCode: `mutation ($input: IssueLinkCodeInput!) { ${names.issueLinkCode}(input: $input) { linkCode { code accountNumber expiresAt } } }`,
    submit: `mutation ($input: SubmitReadingsInput!) { ${names.submit}(input: $input) { account { accountNumber balance { amount } } readings { zone value } preliminaryCharge { total { amount } } } }`,
    submitAnonymously: `mutation ($input: SubmitReadingsAnonymouslyInput!) { ${names.submitAnonymously}(input: $input) { period acceptedReadings preliminaryCharge { total { amount } } } }`,
    replaceMeter: `mutation ($input: ReplaceMeterInput!) { ${names.replaceMeter}(input: $input) { account { accountNumber } meter { id serialNumber } } }`,
    runBilling: `mutation ($input: RunBillingInput!) { ${names.runBilling}(input: $input) { run { id period billsIssued } } }`,
    subscribe: `mutation ($input: SubscribeEReceiptsInput!) { ${names.subscribe}(input: $input) { subscription { email status } } }`,
    confirm: `mutation ($input: ConfirmEReceiptsInput!) { ${names.confirm}(input: $input) { subscription { email status } } }`,
    unsubscribe: `mutation ($input: AccountIdInput!) { ${names.unsubscribe}(input: $input) { subscription { email status } } }`,
    createAppeal: `mutation ($input: CreateAppealInput!) { ${names.createAppeal}(input: $input) { appeal { id accountNumber subject } } }`,
    reply: `mutation ($input: ReplyToAppealInput!) { ${names.reply}(input: $input) { appeal { id status messages { body } } } }`,
    close: `mutation ($input: AppealIdInput!) { ${names.close}(input: $input) { appeal { id status } } }`,
  };
  const { account: victimDemo } = kit.demo(fixture.holder);
  const heldBy = (userId: string) => fixture.demoSuppliers.flatMap((supplier) => supplier.accounts.filter((account) => account.holderUserId === userId).map((account) => account.accountNumber)).sort();
  /** What identifies an account to a person: its number, holder's surname, the longest word of its address, its meters. */
  const identifying = (ref: AccountRef) => {
    const { account } = kit.demo(ref);
    const street = account.address.split(/[\s,.]+/).sort((a, b) => b.length - a.length)[0]!;
    return [ref.number, account.holderSurname, street, ...account.meters.map((meter) => meter.serialNumber)];
  };

  describe(`authorization of ${fixture.utility} account data, end to end`, () => {
    const tokens = {} as Record<Party, string | undefined>;
    const ids = { victim: '', elsewhere: '', neighbour: '', unheld: '' };
    /** What the holder sees of the victim account; no refused response may contain any of it. */
    let secrets: string[] = [];
    let victimMeter: { id: string; serialNumber: string; zones: string[]; latestReading: { value: string } };
    let demoAppealId: string;
    let holderOperatorId: string;

    const as = (party: Party, query: string, variables: Record<string, unknown> = {}) => kit.t.gql(query, { token: tokens[party], variables });
    /** What the gateway sends a subgraph: straight at it, with its per-subgraph secret. */
    const atSubgraph = (party: Party, query: string, variables: Record<string, unknown>, secret: string | null = subgraphSecret(kit.t.stack.gatewaySecret, fixture.utility)) =>
      graphqlRequest(`${kit.t.stack.subgraphs[fixture.utility].url}/graphql`, query, { token: tokens[party], variables, headers: secret === null ? {} : { [gatewaySecretHeader]: secret } });

    /** A refusal: only `code` among the errors, no stack trace, and not one of the victim's values anywhere in the response. */
    function expectRefused(response: GraphQLResponse, code: string, leaks = secrets) {
      const body = JSON.stringify(response);
      expect(errorCodes(response).length, body).toBeGreaterThan(0);
      expect([...new Set(errorCodes(response))], body).toEqual([code]);
      expect(body).not.toMatch(/stacktrace|\bat .+\.(ts|js):\d+/);
      for (const secret of leaks) expect(body, `the response leaks ${secret}`).not.toContain(secret);
    }
    /** A refused field answers no data: nullable fields come back null beside the error, never a value. */
    function expectNoData(data: unknown, message?: string) {
      const empty = (value: unknown): boolean => value === null || value === undefined || (typeof value === 'object' && Object.values(value as object).every(empty));
      expect(empty(data), `${message ?? ''} ${JSON.stringify(data)}`).toBe(true);
    }
    /** An account, every part of it, as `party` sees it. */
    async function accountAs(party: Party, id = ids.victim) {
      let account: Record<string, unknown> = {};
      for (const part of accountParts) account = { ...account, ...expectNoGraphQLErrors(await as(party, accountQuery(part), { id }))[names.account] };
      return account as Record<string, any>;
    }
    /** The victim account as its holder and its supplier see it, and what only the database shows. */
    async function snapshot() {
      // pdfUrl is signed afresh on every request; what it points at is compared instead.
      const holderView = JSON.parse(JSON.stringify(await accountAs('demo')).replace(/"pdfUrl":"([^"?]+)\?token=[^"]*"/g, '"pdfUrl":"$1"'));
      const mine = expectNoGraphQLErrors(await as('demo', `{ me { ${names.accounts} { id } } }`)).me[names.accounts];
      const runs = async (party: Party) => expectNoGraphQLErrors(await as(party, `{ ${names.billingRuns} { id period billsIssued finishedAt } }`))[names.billingRuns];
      const [linkCodes] = await kit.db().select({ count: sql<number>`count(*)::int` }).from(tables.linkCodes).where(eq(tables.linkCodes.accountId, ids.victim));
      const [account] = await kit.db().select({ holderUserId: tables.accounts.holderUserId, linkedAt: tables.accounts.linkedAt }).from(tables.accounts).where(eq(tables.accounts.id, ids.victim));
      const [subscription] = await kit.db().select().from(tables.eReceiptSubscriptions).where(eq(tables.eReceiptSubscriptions.accountId, ids.victim));
      return {
        holderView,
        demoHolds: mine.map((held: { id: string }) => held.id).sort(),
        holderSupplierRuns: await runs('holderOperator'),
        neighbourSupplierRuns: await runs('neighbourOperator'),
        linkCodes: linkCodes!.count,
        account,
        subscription,
        mails: kit.t.mailbox.messages.length,
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
      ['holderOperator', 'FORBIDDEN'],
      ['neighbourOperator', 'FORBIDDEN'],
      ['anonymous', 'UNAUTHENTICATED'],
    ];

    beforeAll(async () => {
      await kit.start();
      tokens.demo = await kit.login('demo');
      tokens.neighbour = await kit.login('second');
      const holderOperator = await kit.operatorLogin(fixture.holder.supplier);
      holderOperatorId = holderOperator.userId;
      tokens.holderOperator = holderOperator.token;
      tokens.neighbourOperator = await kit.operator(fixture.neighbour.supplier);
      tokens.stranger = (await kit.customer()).token;
      tokens.anonymous = undefined;
      ids.victim = await kit.accountId(fixture.holder);
      ids.elsewhere = await kit.accountId(fixture.holderElsewhere);
      ids.neighbour = await kit.accountId(fixture.neighbour);
      ids.unheld = await kit.accountId(fixture.unheldWithMeter);

      // The victim has an appeal and e-receipts too, so that there is something to leak or change.
      const appeal = expectNoGraphQLErrors(
        await as('demo', mutations.createAppeal, { input: { accountId: ids.victim, kind: 'QUESTION', subject: 'Чому такий рахунок за жовтень', body: 'Прошу пояснити нарахування Q7-приватне' } }),
      );
      demoAppealId = appeal[names.createAppeal].appeal.id;
      expectNoGraphQLErrors(await as('demo', mutations.subscribe, { input: { accountId: ids.victim } }));

      const victim = await accountAs('demo');
      expect(victim.accountNumber).toBe(fixture.holder.number);
      expect(victim.bills.edges).toHaveLength(Math.min(fixture.demoMonths.length, 20));
      victimMeter = victim.meters[0];
      secrets = [
        ...identifying(fixture.holder),
        victim.holderName,
        victim.address,
        ...victim.bills.edges.map((edge: { node: { receiptCode: string } }) => edge.node.receiptCode),
        ...victim.bills.edges.map((edge: { node: { amountDue: { amount: string } } }) => edge.node.amountDue.amount),
        victim.balance.amount,
        demoHolders.demo.email,
        'Чому такий рахунок за жовтень',
        'Q7-приватне',
      ];
      // Amounts short enough to turn up by chance (0.00) would prove nothing either way.
      secrets = [...new Set(secrets)].filter((secret) => secret.replace(/\D/g, '').length >= 4 || /\D{4}/.test(secret));
      expect(secrets.length).toBeGreaterThanOrEqual(12);
    });
    afterAll(() => kit.stop());

    describe('root and nested fields through the gateway', () => {
      it('shows each holder their own accounts and nobody else\'s', async () => {
        const held = async (party: Party) =>
          expectNoGraphQLErrors(await as(party, `{ me { ${names.accounts} { accountNumber } } }`)).me[names.accounts].map((account: { accountNumber: string }) => account.accountNumber).sort();
        expect(await held('demo')).toEqual(heldBy(demoHolders.demo.id));
        expect(await held('neighbour')).toEqual(heldBy(demoHolders.second.id));
        // An operator holds none: asked as the gateway asks for `me` (a signed operator token is no identity login).
        const operatorsOwn = await atSubgraph('holderOperator', entitiesQuery(`... on User { ${names.accounts} { accountNumber } }`), {
          representations: [{ __typename: 'User', id: holderOperatorId }],
        });
        expect(expectNoGraphQLErrors(operatorsOwn)._entities).toEqual([{ [names.accounts]: [] }]);
        // The holder sees everything of their own account.
        const own = await accountAs('demo');
        expect(own).toMatchObject({ accountNumber: fixture.holder.number, holderName: victimDemo.holderName, eReceipts: { status: 'ACTIVE' } });
        expect(own.appeals).toHaveLength(1);
      });

      it('refuses another holder\'s account by id, with every nested field, and shows none of it', async () => {
        for (const party of ['neighbour', 'stranger'] as const) {
          for (const part of accountParts) {
            const response = await as(party, accountQuery(part), { id: ids.victim });
            expectNoData(response.data);
            expectRefused(response, 'FORBIDDEN');
          }
        }
        // An account nobody holds is nobody's to read either.
        const unheld = await as('stranger', `query ($id: ID!) { ${names.account}(id: $id) { accountNumber holderName } }`, { id: ids.unheld });
        expectRefused(unheld, 'FORBIDDEN', identifying(fixture.unheldWithMeter));
        // A made-up id is simply not there.
        const missing = expectNoGraphQLErrors(await as('neighbour', `query ($id: ID!) { ${names.account}(id: $id) { accountNumber } }`, { id: '00000000-0000-4000-8000-000000000000' }));
        expect(missing).toEqual({ [names.account]: null });
      });

      it('refuses each nested field of another holder\'s account on its own', async () => {
        for (const selection of [
          'bills(first: 12) { edges { node { receiptCode pdfUrl amountDue { amount } } } }',
          `bill(period: "${lastDemoMonth}") { receiptCode pdfUrl }`,
          'latestBill { receiptCode pdfUrl }',
          'ledger(first: 20) { edges { node { amount { amount } description } } }',
          'meters(includeRemoved: true) { serialNumber readings(first: 12) { edges { node { value period } } } }',
          'meters { latestReadings { value } }',
          'appeals { subject messages { body } }',
          'eReceipts { email }',
          'balance { amount }',
          'consumptionHistory { total charged { amount } }',
          'paymentsReport { paid { amount } }',
        ]) {
          for (const party of ['neighbour', 'neighbourOperator'] as const) {
            const response = await as(party, `query ($id: ID!) { ${names.account}(id: $id) { ${selection} } }`, { id: ids.victim });
            expectNoData(response.data, `${party} ${selection}`);
            expectRefused(response, 'FORBIDDEN');
          }
        }
      });

      it('answers one\'s own account and refuses another\'s in the same request', async () => {
        const query = `query ($own: ID!, $theirs: ID!) {
          own: ${names.account}(id: $own) { accountNumber meters { serialNumber } latestBill { receiptCode } }
          theirs: ${names.account}(id: $theirs) { accountNumber meters { serialNumber } latestBill { receiptCode } }
        }`;
        const response = await as('neighbour', query, { own: ids.neighbour, theirs: ids.victim });
        expect(response.data?.own).toMatchObject({ accountNumber: fixture.neighbour.number, meters: kit.demo(fixture.neighbour).account.meters.map((meter) => ({ serialNumber: meter.serialNumber })) });
        expect(response.data?.theirs).toBeNull();
        expect(response.errors?.length).toBeGreaterThan(0);
        for (const error of response.errors!) expect(error.path?.[0]).toBe('theirs');
        expectRefused({ ...response, data: { theirs: response.data?.theirs } }, 'FORBIDDEN');

        // The same for an operator: their supplier's account, and another supplier's.
        const operator = await as('holderOperator', query, { own: ids.victim, theirs: ids.neighbour });
        expect(operator.data?.own).toMatchObject({ accountNumber: fixture.holder.number });
        expect(operator.data?.theirs).toBeNull();
        expectRefused({ ...operator, data: { theirs: operator.data?.theirs } }, 'FORBIDDEN', identifying(fixture.neighbour));
      });

      it('shows operators their own supplier\'s accounts only', async () => {
        const seen = await accountAs('holderOperator');
        expect(seen).toMatchObject({ accountNumber: fixture.holder.number, holderName: victimDemo.holderName });
        expect(seen.appeals.map((appeal: { id: string }) => appeal.id)).toEqual([demoAppealId]);

        // The same holder's account at another supplier is not this supplier's business.
        for (const part of accountParts) {
          const elsewhere = await as('holderOperator', accountQuery(part), { id: ids.elsewhere });
          expectNoData(elsewhere.data);
          expectRefused(elsewhere, 'FORBIDDEN', identifying(fixture.holderElsewhere));
          const foreign = await as('neighbourOperator', accountQuery(part), { id: ids.victim });
          expectNoData(foreign.data);
          expectRefused(foreign, 'FORBIDDEN');
        }
        expect((await accountAs('neighbourOperator', ids.neighbour)).accountNumber).toBe(fixture.neighbour.number);
      });

      it('finds accounts by number for operators, within their own supplier only', async () => {
        const byNumber = `query ($number: String!) { ${names.accountByNumber}(accountNumber: $number) { id accountNumber holderName meters { serialNumber } } }`;
        expect(expectNoGraphQLErrors(await as('holderOperator', byNumber, { number: fixture.holder.number }))[names.accountByNumber]).toMatchObject({ id: ids.victim, accountNumber: fixture.holder.number });
        // Another supplier's number is not in the operator's supplier: nothing found, nothing shown.
        expect(expectNoGraphQLErrors(await as('neighbourOperator', byNumber, { number: fixture.holder.number }))).toEqual({ [names.accountByNumber]: null });
        for (const ref of [fixture.holderElsewhere, fixture.neighbour]) {
          expect(expectNoGraphQLErrors(await as('holderOperator', byNumber, { number: ref.number }))).toEqual({ [names.accountByNumber]: null });
        }
        // Customers look accounts up by id among their own, never by number: not even their own number.
        for (const party of ['demo', 'neighbour', 'stranger'] as const) {
          const response = await as(party, byNumber, { number: fixture.holder.number });
          expect(response.data?.[names.accountByNumber] ?? null).toBeNull();
          expectRefused(response, 'FORBIDDEN');
        }
        expectRefused(await as('anonymous', byNumber, { number: fixture.holder.number }), 'UNAUTHENTICATED');
      });

      it('keeps a supplier\'s appeal queue and billing runs to its own operators', async () => {
        const appealsQuery = `{ ${names.appeals} { edges { node { id accountNumber subject messages { body } } } } }`;
        const ownQueue = expectNoGraphQLErrors(await as('holderOperator', appealsQuery))[names.appeals].edges.map((edge: any) => edge.node.id);
        expect(ownQueue).toContain(demoAppealId);
        const otherQueue = await as('neighbourOperator', appealsQuery);
        expect(expectNoGraphQLErrors(otherQueue)[names.appeals].edges.map((edge: any) => edge.node.id)).not.toContain(demoAppealId);
        for (const secret of secrets) expect(JSON.stringify(otherQueue)).not.toContain(secret);

        for (const query of [appealsQuery, `{ ${names.billingRuns} { id period billsIssued } }`]) {
          for (const party of ['demo', 'neighbour', 'stranger'] as const) {
            const response = await as(party, query);
            expect(response.data ?? null).toBeNull();
            expectRefused(response, 'FORBIDDEN');
          }
          expectRefused(await as('anonymous', query), 'UNAUTHENTICATED');
        }
      });

      it('lets anonymous callers reach only the supplier list, the tariff quote and readings without a login', async () => {
        const suppliers = expectNoGraphQLErrors(await as('anonymous', `{ ${names.suppliers} { id name linkProofs readingWindow { period isOpen } } }`));
        expect(suppliers[names.suppliers].map((supplier: { id: string }) => supplier.id).sort()).toEqual(fixture.demoSuppliers.map((supplier) => kit.supplierId(supplier.code)).sort());

        const quote = expectNoGraphQLErrors(
          await as('anonymous', `query ($input: TariffQuoteInput!) { ${names.tariffQuote}(input: $input) { total { amount currency } } }`, {
            input: { supplierId: kit.supplierId(fixture.holder.supplier), consumption: fixture.quote.consumption },
          }),
        );
        expect(quote[names.tariffQuote].total).toEqual(fixture.quote.total);

        // Readings without a login: the account number and the holder's surname are the proof.
        const { account: unheldDemo } = kit.demo(fixture.unheldWithMeter);
        const [meter] = unheldDemo.meters;
        const reading = (checkValue: string) => ({
          input: {
            supplierId: kit.supplierId(fixture.unheldWithMeter.supplier),
            accountNumber: fixture.unheldWithMeter.number,
            check: 'HOLDER_SURNAME',
            checkValue,
            readings: [{ meterSerialNumber: meter!.serialNumber, zone: meter!.zones[0], value: meterValue(new Big(meter!.startValues[0]!).plus(new Big(meter!.monthlyUse[0]!).times(fixture.demoMonths.length + 1))) }],
          },
        });
        const wrong = await as('anonymous', mutations.submitAnonymously, reading('Петренко'));
        expect(wrong.data ?? null).toBeNull();
        expectRefused(wrong, 'ACCOUNT_CHECK_FAILED', identifying(fixture.unheldWithMeter));
        const accepted = expectNoGraphQLErrors(await as('anonymous', mutations.submitAnonymously, reading(unheldDemo.holderSurname)));
        const expected = fixture.charge(fixture.unheldWithMeter, { [meter!.zones[0]!]: meterValue(meter!.monthlyUse[0]!) });
        expect(accepted[names.submitAnonymously]).toMatchObject({ period: fixture.windows[0]!.open.period, acceptedReadings: 1, preliminaryCharge: { total: { amount: expected.total.amount } } });

        // A confirmation link is a proof of its own; a made-up one opens nothing.
        expectRefused(await as('anonymous', mutations.confirm, { input: { token: 'x'.repeat(43) } }), 'INVALID_TOKEN');

        // Everything else is for logged-in users.
        const closed: [string, Record<string, unknown>][] = [
          ...accountParts.map((part): [string, Record<string, unknown>] => [accountQuery(part), { id: ids.victim }]),
          [`query ($n: String!) { ${names.accountByNumber}(accountNumber: $n) { id } }`, { n: fixture.holder.number }],
          [`{ ${names.appeals} { edges { node { id } } } }`, {}],
          [`{ ${names.billingRuns} { id } }`, {}],
          [`{ me { ${names.accounts} { id } } }`, {}],
        ];
        for (const [query, variables] of closed) {
          const response = await as('anonymous', query, variables);
          expectNoData(response.data, query);
          expectRefused(response, 'UNAUTHENTICATED');
        }
      });
    });

    describe('_entities straight at the subgraph with the gateway\'s secret', () => {
      const rep = (id: string) => ({ __typename: names.accountType, id });

      it('resolves an account reference for its holder and its supplier\'s operator only', async () => {
        const selection = `... on ${names.accountType} { ${accountParts.join('\n')} }`;
        for (const party of ['demo', 'holderOperator'] as const) {
          const response = await atSubgraph(party, entitiesQuery(selection), { representations: [rep(ids.victim)] });
          expect(expectNoGraphQLErrors(response)._entities[0]).toMatchObject({ accountNumber: fixture.holder.number });
        }
        for (const [party, code] of [
          ['neighbour', 'FORBIDDEN'],
          ['stranger', 'FORBIDDEN'],
          ['neighbourOperator', 'FORBIDDEN'],
          ['anonymous', 'UNAUTHENTICATED'],
        ] as const) {
          const response = await atSubgraph(party, entitiesQuery(selection), { representations: [rep(ids.victim)] });
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
          const response = await atSubgraph('neighbour', entitiesQuery(`... on ${names.accountType} { ${selection} }`), { representations: [rep(ids.victim)] });
          expectNoData(response.data, selection);
          expectRefused(response, 'FORBIDDEN');
        }
      });

      it('answers a batch of references one by one: own data back, foreign data refused', async () => {
        const response = await atSubgraph('neighbour', entitiesQuery(`... on ${names.accountType} { accountNumber meters { serialNumber } latestBill { receiptCode } }`), {
          representations: [rep(ids.neighbour), rep(ids.victim), rep(ids.elsewhere)],
        });
        expect(response.data?._entities?.[0]).toMatchObject({ accountNumber: fixture.neighbour.number, meters: kit.demo(fixture.neighbour).account.meters.map((meter) => ({ serialNumber: meter.serialNumber })) });
        expect(response.data?._entities?.slice(1)).toEqual([null, null]);
        for (const error of response.errors ?? []) expect([1, 2]).toContain(error.path?.[1]);
        expectRefused({ ...response, data: { rest: response.data?._entities?.slice(1) } }, 'FORBIDDEN', [...secrets, ...identifying(fixture.holderElsewhere)]);
      });

      it('gives a login\'s account list (`User`) to that login only', async () => {
        const selection = `... on User { id ${names.accounts} { accountNumber meters { serialNumber } } }`;
        const own = expectNoGraphQLErrors(await atSubgraph('demo', entitiesQuery(selection), { representations: [{ __typename: 'User', id: demoHolders.demo.id }] }));
        expect(own._entities[0][names.accounts].map((account: { accountNumber: string }) => account.accountNumber).sort()).toEqual(heldBy(demoHolders.demo.id));
        const elsewhere = identifying(fixture.holderElsewhere);

        for (const [party, code] of [
          ['neighbour', 'FORBIDDEN'],
          ['stranger', 'FORBIDDEN'],
          // The supplier's operator must not learn the holder's accounts elsewhere this way.
          ['holderOperator', 'FORBIDDEN'],
          ['neighbourOperator', 'FORBIDDEN'],
          ['anonymous', 'UNAUTHENTICATED'],
        ] as const) {
          const response = await atSubgraph(party, entitiesQuery(selection), { representations: [{ __typename: 'User', id: demoHolders.demo.id }] });
          expect(response.data?._entities ?? [null], party).toEqual([null]);
          expectRefused(response, code, [...secrets, ...elsewhere]);
        }

        // A batch of the caller's own User and someone else's.
        const batch = await atSubgraph('neighbour', entitiesQuery(selection), {
          representations: [
            { __typename: 'User', id: demoHolders.second.id },
            { __typename: 'User', id: demoHolders.demo.id },
          ],
        });
        expect(batch.data?._entities?.[0][names.accounts].map((account: { accountNumber: string }) => account.accountNumber).sort()).toEqual(heldBy(demoHolders.second.id));
        expect(batch.data?._entities?.[1]).toBeNull();
        expectRefused({ ...batch, data: { rest: batch.data?._entities?.[1] } }, 'FORBIDDEN', [...secrets, ...elsewhere]);
      });

      it('answers nobody but the gateway', async () => {
        const query = entitiesQuery(`... on ${names.accountType} { accountNumber }`);
        for (const secret of [null, 'guess', subgraphSecret(kit.t.stack.gatewaySecret, fixture.otherUtility), subgraphSecret(kit.t.stack.gatewaySecret, 'identity')]) {
          const response = await atSubgraph('demo', query, { representations: [rep(ids.victim)] }, secret);
          expect(response.status, String(secret)).toBe(403);
          expect(response.data ?? null).toBeNull();
          expectRefused(response, 'FORBIDDEN');
        }
      });
    });

    describe('mutations by the wrong party: refused, and nothing changes', () => {
      it(names.unlink, async () => {
        await expectNoEffect(wrongHolders, (party) => as(party, mutations.unlink, { input: { accountId: ids.victim } }));
      });

      it(names.submit, async () => {
        const value = meterValue(new Big(victimMeter.latestReading.value).plus(120));
        const readings = victimMeter.zones.map((zone) => ({ meterId: victimMeter.id, zone, value }));
        await expectNoEffect(wrongHolders, (party) => as(party, mutations.submit, { input: { accountId: ids.victim, readings, confirmUnusual: true } }));
      });

      it(`${names.subscribe} and ${names.unsubscribe}`, async () => {
        await expectNoEffect(wrongHolders, (party) => as(party, mutations.subscribe, { input: { accountId: ids.victim, email: 'attacker@kabinet.test' } }));
        await expectNoEffect(wrongHolders, (party) => as(party, mutations.subscribe, { input: { accountId: ids.victim } }));
        await expectNoEffect(wrongHolders, (party) => as(party, mutations.unsubscribe, { input: { accountId: ids.victim } }));
        expect(kit.t.mailbox.messages.filter((mail) => mail.to.includes('attacker@kabinet.test'))).toEqual([]);
      });

      it(names.createAppeal, async () => {
        await expectNoEffect(wrongHolders, (party) => as(party, mutations.createAppeal, { input: { accountId: ids.victim, kind: 'COMPLAINT', subject: 'Чуже звернення', body: 'Від чужої особи' } }));
      });

      it(`${names.reply} and ${names.close}`, async () => {
        const wrongParties: [Party, string][] = [
          ['neighbour', 'FORBIDDEN'],
          ['stranger', 'FORBIDDEN'],
          ['neighbourOperator', 'FORBIDDEN'],
          ['anonymous', 'UNAUTHENTICATED'],
        ];
        await expectNoEffect(wrongParties, (party) => as(party, mutations.reply, { input: { appealId: demoAppealId, body: 'Чужа відповідь' } }));
        await expectNoEffect(wrongParties, (party) => as(party, mutations.close, { input: { appealId: demoAppealId } }));
      });

      it(`${names.link} of an account another login holds`, async () => {
        const proof = await rightProofWithoutSideEffects(kit, fixture.holder);
        await expectNoEffect(
          [
            ['neighbour', 'ACCOUNT_HELD_BY_ANOTHER_LOGIN'],
            ['stranger', 'ACCOUNT_HELD_BY_ANOTHER_LOGIN'],
            ['anonymous', 'UNAUTHENTICATED'],
          ],
          (party) => as(party, mutations.link, { input: { supplierId: kit.supplierId(fixture.holder.supplier), accountNumber: fixture.holder.number, proof } }),
        );
      });

      it(names.issueLinkCode, async () => {
        // Operators name accounts by number within their own supplier, if it takes office codes at all.
        const neighbourTakesCodes = kit.demo(fixture.neighbour).supplier.linkProofs.includes('OFFICE_CODE');
        await expectNoEffect(
          [
            ['demo', 'FORBIDDEN'],
            ['neighbour', 'FORBIDDEN'],
            ['stranger', 'FORBIDDEN'],
            ['neighbourOperator', neighbourTakesCodes ? 'ACCOUNT_NOT_FOUND' : 'PROOF_NOT_ACCEPTED'],
            ['anonymous', 'UNAUTHENTICATED'],
          ],
          (party) => as(party, mutations.issueLinkCode, { input: { accountNumber: fixture.holder.number } }),
        );
      });

      it(names.replaceMeter, async () => {
        const today = localDate(kit.t.clock.now(), kit.demo(fixture.holder).supplier.timeZone);
        const input = {
          meterId: victimMeter.id,
          finalValues: victimMeter.zones.map((zone) => ({ zone, value: meterValue(new Big(victimMeter.latestReading.value).plus(50)) })),
          newMeter: {
            serialNumber: 'ATTACKER-0001',
            zones: victimMeter.zones,
            digits: 6,
            installedOn: today,
            lastVerifiedOn: today,
            verificationIntervalYears: 16,
            initialValues: victimMeter.zones.map((zone) => ({ zone, value: '0' })),
          },
        };
        await expectNoEffect(
          [
            ['demo', 'FORBIDDEN'],
            ['neighbour', 'FORBIDDEN'],
            ['stranger', 'FORBIDDEN'],
            // The meter is named by its id: another supplier's operator is refused like any other party.
            ['neighbourOperator', 'FORBIDDEN'],
            ['anonymous', 'UNAUTHENTICATED'],
          ],
          (party) => as(party, mutations.replaceMeter, { input }),
        );
      });

      it(names.runBilling, async () => {
        // After the window: the supplier's own operator could bill the month now.
        const [run] = fixture.ledger.runs;
        kit.at(run.runAt);
        try {
          await expectNoEffect(
            [
              ['demo', 'FORBIDDEN'],
              ['neighbour', 'FORBIDDEN'],
              ['stranger', 'FORBIDDEN'],
              ['neighbourOperator', 'FORBIDDEN'],
              ['anonymous', 'UNAUTHENTICATED'],
            ],
            (party) => as(party, mutations.runBilling, { input: { period: run.period, supplierId: kit.supplierId(fixture.holder.supplier) } }),
          );
          // Without naming a supplier, an operator bills their own; the victim's supplier stays unbilled.
          const own = expectNoGraphQLErrors(await as('neighbourOperator', mutations.runBilling, { input: { period: run.period } }));
          expect(own[names.runBilling].run).toMatchObject({ period: run.period, billsIssued: kit.demo(fixture.neighbour).supplier.accounts.length });
          const holderRuns = expectNoGraphQLErrors(await as('holderOperator', `{ ${names.billingRuns} { period } }`))[names.billingRuns];
          expect(holderRuns.map((candidate: { period: string }) => candidate.period)).not.toContain(run.period);
          kit.at(new Date(new Date(run.runAt).getTime() + 2 * 24 * 3600_000));
          const bill = expectNoGraphQLErrors(await as('demo', `query ($id: ID!) { ${names.account}(id: $id) { bill(period: "${run.period}") { id } } }`, { id: ids.victim }));
          expect(bill[names.account].bill).toBeNull();
        } finally {
          kit.at(fixture.windowOpen);
        }
      });
    });
  });
}

/** A right proof of the holder's account that leaves nothing behind (no office code issued, no payment posted). */
async function rightProofWithoutSideEffects(kit: CabinetKit, ref: AccountRef) {
  const { supplier, account } = kit.demo(ref);
  if (supplier.linkProofs.includes('HOLDER_SURNAME')) return { kind: 'HOLDER_SURNAME' as const, value: account.holderSurname };
  if (supplier.linkProofs.includes('RECEIPT_CODE')) return kit.proofFor(ref, 'RECEIPT_CODE');
  if (supplier.linkProofs.includes('LAST_PAYMENT_AMOUNT') && kit.demoPaymentsOf(ref).length) return kit.proofFor(ref, 'LAST_PAYMENT_AMOUNT');
  throw new Error(`${ref.supplier} takes no proof of ${ref.number} without side effects`);
}
