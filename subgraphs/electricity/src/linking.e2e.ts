import { randomUUID } from 'node:crypto';
import { eventsSecret } from '@kabinet/auth';
import { demoSupplierId } from '@kabinet/demo';
import { eventSecretHeader } from '@kabinet/events';
import { errorCodes, expectErrorCode, expectNoGraphQLErrors, type GraphQLResponse, type TestStack } from '@kabinet/testing';
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoSuppliers } from './demo';
import { accountIdOf, december2, demoLogins, loginAs, newCustomer, startElectricityStack, supplierIds, tables } from './testing/e2e';

const LINK = `mutation Link($input: LinkAccountInput!) {
  linkElectricityAccount(input: $input) { account { id accountNumber holderName kind supplier { id } } }
}`;
const UNLINK = `mutation Unlink($input: AccountIdInput!) { unlinkElectricityAccount(input: $input) { accountId } }`;
const ISSUE_CODE = `mutation Issue($input: IssueLinkCodeInput!) { issueElectricityLinkCode(input: $input) { linkCode { code accountNumber expiresAt } } }`;
const ACCOUNT = `query Account($id: ID!) { electricityAccount(id: $id) { id accountNumber eReceipts { status } } }`;
const LEDGER = `query Ledger($id: ID!) { electricityAccount(id: $id) { ledger(first: 10) { edges { node { kind amount { amount } } } } } }`;
const SUBSCRIBE = `mutation Subscribe($input: SubscribeEReceiptsInput!) { subscribeElectricityEReceipts(input: $input) { subscription { status } } }`;
const SUPPLIERS = `{ electricitySuppliers { id accountNumberFormat linkProofs } }`;
const MY_ACCOUNTS = `{ me { id electricityAccounts { id accountNumber supplier { id } } } }`;
const REGISTER = `mutation Register($input: RegisterInput!) { register(input: $input) { email } }`;
const CONFIRM = `mutation Confirm($input: ConfirmEmailInput!) { confirmEmail(input: $input) { user { id } } }`;
const DEACTIVATE = `mutation Deactivate($input: DeactivateAccountInput!) { deactivateAccount(input: $input) { ok } }`;

type ProofKind = 'LAST_PAYMENT_AMOUNT' | 'RECEIPT_CODE' | 'OFFICE_CODE' | 'HOLDER_SURNAME';

/** The demo accounts nobody holds, and the held ones (see demo.ts). */
const free = {
  kyiv: { supplierId: supplierIds.kyiv, accountNumber: '10987654', surname: 'Ковальчук' },
  lviv: { supplierId: supplierIds.lviv, accountNumber: '46-100200', surname: 'Гнатюк' },
  odesa: { supplierId: supplierIds.odesa, accountNumber: 'OD7700112' },
};
const held = {
  demoKyiv: { supplierId: supplierIds.kyiv, accountNumber: '10234567', surname: 'Демченко' },
  demoLviv: { supplierId: supplierIds.lviv, accountNumber: '46-208311', surname: 'Демченко' },
  neighbourOdesa: { supplierId: supplierIds.odesa, accountNumber: 'OD4412907' },
};

describe('linking electricity accounts through the gateway', () => {
  let t: TestStack;
  const db = () => t.stack.database.db;

  beforeAll(async () => {
    t = await startElectricityStack();
  });
  afterAll(() => t?.stop());

  // Each test starts from the demo's holders, clock and no wrong proofs, whatever the one before it left.
  afterEach(async () => {
    t.clock.set(december2);
    await db().delete(tables.linkFailures);
    for (const supplier of demoSuppliers) {
      const supplierId = demoSupplierId('electricity', supplier.code);
      for (const account of supplier.accounts) {
        await db()
          .update(tables.accounts)
          .set({ holderUserId: account.holderUserId ?? null })
          .where(and(eq(tables.accounts.supplierId, supplierId), eq(tables.accounts.accountNumber, account.accountNumber)));
        if (!account.holderUserId) {
          const accountId = await accountIdOf(t, supplierId, account.accountNumber);
          await db().delete(tables.eReceiptSubscriptions).where(eq(tables.eReceiptSubscriptions.accountId, accountId));
        }
      }
    }
  });

  const link = (token: string, supplierId: string, accountNumber: string, kind: ProofKind, value: string) =>
    t.gql(LINK, { token, variables: { input: { supplierId, accountNumber, proof: { kind, value } } } });
  const unlink = (token: string, accountId: string) => t.gql(UNLINK, { token, variables: { input: { accountId } } });

  /** Who holds the account now, straight from electricity's table. */
  const holderOf = async (accountId: string) => {
    const [row] = await db().select({ holderUserId: tables.accounts.holderUserId }).from(tables.accounts).where(eq(tables.accounts.id, accountId));
    return row!.holderUserId;
  };

  /** The account as `token`'s login sees it: data, or the error that refused it. */
  const viewAccount = (token: string, id: string) => t.gql(ACCOUNT, { token, variables: { id } });

  const expectLinked = (response: GraphQLResponse, accountId: string) => {
    const { account } = expectNoGraphQLErrors(response).linkElectricityAccount;
    expect(account.id).toBe(accountId);
    return account;
  };

  const expectRejected = (response: GraphQLResponse, attemptsLeft: number) => {
    const error = expectErrorCode(response, 'LINK_PROOF_REJECTED');
    expect(error.extensions?.attemptsLeft).toBe(attemptsLeft);
    expect(response.data?.linkElectricityAccount ?? null).toBeNull();
    return error;
  };

  /** The receipt codes of an account's bills, newest month first, as printed. */
  const receiptCodesOf = async (accountId: string) =>
    (
      await db()
        .select({ receiptCode: tables.bills.receiptCode })
        .from(tables.bills)
        .where(eq(tables.bills.accountId, accountId))
        .orderBy(desc(tables.bills.period))
    ).map((bill) => bill.receiptCode);

  /** A payment captured for the account, delivered the way the payments subgraph's relay does. */
  async function postPayment(accountId: string, amountMinor: number, capturedAt: string) {
    const response = await fetch(`${t.stack.subgraphs.electricity.url}/internal/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [eventSecretHeader]: eventsSecret(t.stack.gatewaySecret, 'electricity') },
      body: JSON.stringify({
        id: randomUUID(),
        topic: 'payments.payment.captured',
        payload: { paymentId: randomUUID(), accountId, amountMinor, currency: 'UAH', capturedAt },
        createdAt: capturedAt,
      }),
    });
    expect(response.status, await response.text()).toBe(200);
  }

  /** A real identity login (registered, confirmed, logged in): what `me` and deactivation need. */
  async function registeredCustomer() {
    const email = `linking-${randomUUID().slice(0, 8)}@kabinet.test`;
    const password = 'Лінк-2026-рахунок';
    expectNoGraphQLErrors(await t.gql(REGISTER, { variables: { input: { email, password, displayName: 'Ірина Ковальчук' } } }));
    const mail = await t.mailbox.waitFor(email);
    const confirmToken = /token=([\w-]+)/.exec(mail.text)![1]!;
    expectNoGraphQLErrors(await t.gql(CONFIRM, { variables: { input: { token: confirmToken } } }));
    const token = await loginAs(t, { email, password });
    const userId = expectNoGraphQLErrors(await t.gql(MY_ACCOUNTS, { token })).me.id as string;
    return { email, password, token, userId };
  }

  it('publishes each supplier\'s account-number format and the proofs it accepts', async () => {
    const { electricitySuppliers } = expectNoGraphQLErrors(await t.gql(SUPPLIERS));
    const byId = Object.fromEntries(electricitySuppliers.map((supplier: any) => [supplier.id, supplier]));
    expect(byId[supplierIds.kyiv]).toMatchObject({
      accountNumberFormat: '8 digits, e.g. 10234567',
      linkProofs: ['LAST_PAYMENT_AMOUNT', 'RECEIPT_CODE', 'HOLDER_SURNAME'],
    });
    expect(byId[supplierIds.lviv].linkProofs).toEqual(['HOLDER_SURNAME', 'OFFICE_CODE', 'LAST_PAYMENT_AMOUNT']);
    expect(byId[supplierIds.odesa].linkProofs).toEqual(['RECEIPT_CODE', 'OFFICE_CODE']);
  });

  describe('proofs', () => {
    it('links by the holder\'s surname, whatever its case and surrounding spaces', async () => {
      const customer = await newCustomer(t);
      const accountId = await accountIdOf(t, free.kyiv.supplierId, free.kyiv.accountNumber);
      expectErrorCode(await viewAccount(customer.token, accountId), 'FORBIDDEN');

      const account = expectLinked(await link(customer.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', '  КОВАЛЬЧУК '), accountId);
      expect(account).toMatchObject({ accountNumber: '10987654', holderName: 'Ковальчук Ірина Петрівна', kind: 'RESIDENTIAL', supplier: { id: supplierIds.kyiv } });
      expect(await holderOf(accountId)).toBe(customer.userId);
      expect(expectNoGraphQLErrors(await viewAccount(customer.token, accountId)).electricityAccount.accountNumber).toBe('10987654');
    });

    it('refuses a wrong surname and links nothing', async () => {
      const customer = await newCustomer(t);
      const accountId = await accountIdOf(t, free.lviv.supplierId, free.lviv.accountNumber);
      const error = expectRejected(await link(customer.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', 'Гнатюкевич'), 4);
      expect(error.extensions?.lockedUntil).toBeUndefined();
      expect(await holderOf(accountId)).toBeNull();
      expectErrorCode(await viewAccount(customer.token, accountId), 'FORBIDDEN');
    });

    it('links by the amount of the last payment or the one before it, but not an older one', async () => {
      const accountId = await accountIdOf(t, free.lviv.supplierId, free.lviv.accountNumber);
      await postPayment(accountId, 30_000, '2026-11-10T09:00:00Z');
      await postPayment(accountId, 41_235, '2026-11-20T09:00:00Z');
      await postPayment(accountId, 51_220, '2026-11-30T09:00:00Z');

      const first = await newCustomer(t);
      expectRejected(await link(first.token, free.lviv.supplierId, free.lviv.accountNumber, 'LAST_PAYMENT_AMOUNT', '300.00'), 4);
      expectRejected(await link(first.token, free.lviv.supplierId, free.lviv.accountNumber, 'LAST_PAYMENT_AMOUNT', '512.21'), 3);
      expect(await holderOf(accountId)).toBeNull();

      // The last payment.
      expectLinked(await link(first.token, free.lviv.supplierId, free.lviv.accountNumber, 'LAST_PAYMENT_AMOUNT', '512.20'), accountId);
      expect(await holderOf(accountId)).toBe(first.userId);
      // The payments the proof was checked against are the ones the holder now sees.
      const ledger = expectNoGraphQLErrors(await t.gql(LEDGER, { token: first.token, variables: { id: accountId } })).electricityAccount.ledger;
      const payments = ledger.edges.map((edge: any) => edge.node).filter((entry: any) => entry.kind === 'PAYMENT');
      expect(payments.map((entry: any) => entry.amount.amount)).toEqual(['-512.20', '-412.35', '-300.00']);
      expectNoGraphQLErrors(await unlink(first.token, accountId));

      // The one before it: bank transfers arrive days late.
      const second = await newCustomer(t);
      expectLinked(await link(second.token, free.lviv.supplierId, free.lviv.accountNumber, 'LAST_PAYMENT_AMOUNT', '412.35'), accountId);
      expect(await holderOf(accountId)).toBe(second.userId);
    });

    it('links by the receipt code of any of the last three bills, not an older bill or another account\'s', async () => {
      const accountId = await accountIdOf(t, free.kyiv.supplierId, free.kyiv.accountNumber);
      const codes = await receiptCodesOf(accountId);
      expect(codes.length).toBeGreaterThanOrEqual(4);
      const [otherAccountsCode] = await receiptCodesOf(await accountIdOf(t, held.demoKyiv.supplierId, held.demoKyiv.accountNumber));

      const customer = await newCustomer(t);
      expectRejected(await link(customer.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'RECEIPT_CODE', codes[3]!), 4);
      expectRejected(await link(customer.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'RECEIPT_CODE', otherAccountsCode!), 3);
      expect(await holderOf(accountId)).toBeNull();

      for (const code of codes.slice(0, 3)) {
        const holder = await newCustomer(t);
        // As people type it from paper: lower case, with spaces.
        const typed = ` ${code.toLowerCase().split('').join(' ')} `;
        expectLinked(await link(holder.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'RECEIPT_CODE', typed), accountId);
        expect(await holderOf(accountId)).toBe(holder.userId);
        expectNoGraphQLErrors(await unlink(holder.token, accountId));
        expect(await holderOf(accountId)).toBeNull();
      }
    });

    it('links a business account by receipt code, the number typed with spaces and in lower case', async () => {
      const accountId = await accountIdOf(t, free.odesa.supplierId, free.odesa.accountNumber);
      const [latest] = await receiptCodesOf(accountId);
      const customer = await newCustomer(t);
      const account = expectLinked(await link(customer.token, free.odesa.supplierId, ' od 770 0112 ', 'RECEIPT_CODE', latest!), accountId);
      expect(account).toMatchObject({ accountNumber: 'OD7700112', kind: 'BUSINESS' });
      expect(await holderOf(accountId)).toBe(customer.userId);
    });

    it('links with a one-time code the supplier\'s operator issued, and the code works once', async () => {
      const operator = await loginAs(t, demoLogins.odesaOperator);
      const accountId = await accountIdOf(t, free.odesa.supplierId, free.odesa.accountNumber);
      const { linkCode } = expectNoGraphQLErrors(await t.gql(ISSUE_CODE, { token: operator, variables: { input: { accountNumber: 'OD7700112' } } }))
        .issueElectricityLinkCode;
      expect(linkCode.accountNumber).toBe('OD7700112');
      expect(linkCode.code).toMatch(/^\d{8}$/);
      expect(linkCode.expiresAt).toBe('2026-12-09T08:00:00.000Z');

      const first = await newCustomer(t);
      const wrongCode = String((Number(linkCode.code) + 1) % 100_000_000).padStart(8, '0');
      expectRejected(await link(first.token, free.odesa.supplierId, free.odesa.accountNumber, 'OFFICE_CODE', wrongCode), 4);
      expectLinked(await link(first.token, free.odesa.supplierId, free.odesa.accountNumber, 'OFFICE_CODE', linkCode.code), accountId);
      expect(await holderOf(accountId)).toBe(first.userId);
      expectNoGraphQLErrors(await unlink(first.token, accountId));

      const second = await newCustomer(t);
      // The first login's wrong code counts against the number for every login.
      expectRejected(await link(second.token, free.odesa.supplierId, free.odesa.accountNumber, 'OFFICE_CODE', linkCode.code), 3);
      expect(await holderOf(accountId)).toBeNull();
    });

    it('accepts an office code only for the account it was issued for, and only for 7 days', async () => {
      const operator = await loginAs(t, demoLogins.odesaOperator);
      const issue = async (accountNumber: string) =>
        expectNoGraphQLErrors(await t.gql(ISSUE_CODE, { token: operator, variables: { input: { accountNumber } } })).issueElectricityLinkCode.linkCode
          .code as string;
      const accountId = await accountIdOf(t, free.odesa.supplierId, free.odesa.accountNumber);
      const customer = await newCustomer(t);

      const otherAccountsCode = await issue(held.neighbourOdesa.accountNumber);
      expectRejected(await link(customer.token, free.odesa.supplierId, free.odesa.accountNumber, 'OFFICE_CODE', otherAccountsCode), 4);

      const code = await issue(free.odesa.accountNumber);
      t.clock.set('2026-12-09T08:00:00Z');
      expectRejected(await link(customer.token, free.odesa.supplierId, free.odesa.accountNumber, 'OFFICE_CODE', code), 4);
      t.clock.set('2026-12-09T07:59:59Z');
      expectLinked(await link(customer.token, free.odesa.supplierId, free.odesa.accountNumber, 'OFFICE_CODE', code), accountId);
    });

    it('lets only the supplier\'s own operators issue office codes, for their own accounts', async () => {
      const codesBefore = (await db().select().from(tables.linkCodes)).length;
      const customer = await newCustomer(t);
      expectErrorCode(await t.gql(ISSUE_CODE, { token: customer.token, variables: { input: { accountNumber: 'OD7700112' } } }), 'FORBIDDEN');
      const odesaOperator = await loginAs(t, demoLogins.odesaOperator);
      expectErrorCode(await t.gql(ISSUE_CODE, { token: odesaOperator, variables: { input: { accountNumber: '10987654' } } }), 'ACCOUNT_NOT_FOUND');
      // Kyiv-energo takes no office codes: its operators issue none (a code would link nothing).
      const kyivOperator = await loginAs(t, demoLogins.kyivOperator);
      const refused = expectErrorCode(await t.gql(ISSUE_CODE, { token: kyivOperator, variables: { input: { accountNumber: '10987654' } } }), 'PROOF_NOT_ACCEPTED');
      expect(refused.extensions?.acceptedProofs).toEqual(['LAST_PAYMENT_AMOUNT', 'RECEIPT_CODE', 'HOLDER_SURNAME']);
      expectErrorCode(await t.gql(ISSUE_CODE, { variables: { input: { accountNumber: 'OD7700112' } } }), 'UNAUTHENTICATED');
      expect((await db().select().from(tables.linkCodes)).length).toBe(codesBefore);
    });

    it('refuses a proof the supplier does not accept, naming the ones it does, even when its value is right', async () => {
      const customer = await newCustomer(t);
      const cases = [
        { ...free.kyiv, kind: 'OFFICE_CODE' as const, value: '12345678', accepted: ['LAST_PAYMENT_AMOUNT', 'RECEIPT_CODE', 'HOLDER_SURNAME'] },
        { ...free.lviv, kind: 'RECEIPT_CODE' as const, value: 'ABC123', accepted: ['HOLDER_SURNAME', 'OFFICE_CODE', 'LAST_PAYMENT_AMOUNT'] },
        { ...free.odesa, kind: 'HOLDER_SURNAME' as const, value: 'Приморський сад', accepted: ['RECEIPT_CODE', 'OFFICE_CODE'] },
        { ...free.odesa, kind: 'LAST_PAYMENT_AMOUNT' as const, value: '100.00', accepted: ['RECEIPT_CODE', 'OFFICE_CODE'] },
      ];
      for (const attempt of cases) {
        const response = await link(customer.token, attempt.supplierId, attempt.accountNumber, attempt.kind, attempt.value);
        const error = expectErrorCode(response, 'PROOF_NOT_ACCEPTED');
        expect(error.extensions?.acceptedProofs).toEqual(attempt.accepted);
        for (const kind of attempt.accepted) expect(error.message).toContain(kind);
        expect(await holderOf(await accountIdOf(t, attempt.supplierId, attempt.accountNumber))).toBeNull();
      }
    });
  });

  describe('account numbers and suppliers', () => {
    it('refuses a number in another format than the supplier\'s, naming the format it expects', async () => {
      const customer = await newCustomer(t);
      const cases = [
        { supplierId: supplierIds.kyiv, accountNumber: '1098765', format: '8 digits, e.g. 10234567' },
        { supplierId: supplierIds.kyiv, accountNumber: '46-100200', format: '8 digits, e.g. 10234567' },
        { supplierId: supplierIds.lviv, accountNumber: '46100200', format: '2 digits, a dash and 6 digits, e.g. 46-208311' },
        { supplierId: supplierIds.odesa, accountNumber: '10987654', format: 'two Latin capital letters and 7 digits, e.g. OD4412907' },
      ];
      for (const attempt of cases) {
        const error = expectErrorCode(await link(customer.token, attempt.supplierId, attempt.accountNumber, 'RECEIPT_CODE', 'X'), 'INVALID_ACCOUNT_NUMBER');
        expect(error.extensions?.expectedFormat).toBe(attempt.format);
        expect(error.message).toContain(attempt.format);
      }
      // Refused before any account is looked at: nothing linked, wherever the number exists.
      expect(await holderOf(await accountIdOf(t, free.kyiv.supplierId, free.kyiv.accountNumber))).toBeNull();
      expect(await holderOf(await accountIdOf(t, free.lviv.supplierId, free.lviv.accountNumber))).toBeNull();
    });

    it('refuses an unknown supplier, a heat supplier included', async () => {
      const customer = await newCustomer(t);
      expectErrorCode(await link(customer.token, randomUUID(), '10987654', 'HOLDER_SURNAME', 'Ковальчук'), 'SUPPLIER_NOT_FOUND');
      expectErrorCode(await link(customer.token, demoSupplierId('heat', 'kyiv-teplo'), '10987654', 'HOLDER_SURNAME', 'Ковальчук'), 'SUPPLIER_NOT_FOUND');
      expectErrorCode(await link(customer.token, 'not-an-id', '10987654', 'HOLDER_SURNAME', 'Ковальчук'), 'SUPPLIER_NOT_FOUND');
      expect(await holderOf(await accountIdOf(t, free.kyiv.supplierId, free.kyiv.accountNumber))).toBeNull();
    });

    it('answers an unknown number exactly as a wrong proof, and counts it', async () => {
      const customer = await newCustomer(t);
      const unknown = expectRejected(await link(customer.token, supplierIds.kyiv, '19999999', 'HOLDER_SURNAME', 'Ковальчук'), 4);
      const wrongProof = expectRejected(await link(customer.token, supplierIds.kyiv, '10987654', 'HOLDER_SURNAME', 'Петренко'), 4);
      expect(unknown.message).toBe(wrongProof.message);
      expectRejected(await link(customer.token, supplierIds.kyiv, '19999999', 'HOLDER_SURNAME', 'Ковальчук'), 3);
    });

    it('refuses anonymous callers', async () => {
      expectErrorCode(
        await t.gql(LINK, { variables: { input: { supplierId: supplierIds.kyiv, accountNumber: '10987654', proof: { kind: 'HOLDER_SURNAME', value: 'Ковальчук' } } } }),
        'UNAUTHENTICATED',
      );
      expect(await holderOf(await accountIdOf(t, free.kyiv.supplierId, free.kyiv.accountNumber))).toBeNull();
    });
  });

  describe('holders', () => {
    it('lets one login hold many accounts of several suppliers', async () => {
      const customer = await registeredCustomer();
      const kyiv = await accountIdOf(t, free.kyiv.supplierId, free.kyiv.accountNumber);
      const lviv = await accountIdOf(t, free.lviv.supplierId, free.lviv.accountNumber);
      const odesa = await accountIdOf(t, free.odesa.supplierId, free.odesa.accountNumber);
      expectLinked(await link(customer.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', 'Ковальчук'), kyiv);
      expectLinked(await link(customer.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', 'Гнатюк'), lviv);
      expectLinked(await link(customer.token, free.odesa.supplierId, free.odesa.accountNumber, 'RECEIPT_CODE', (await receiptCodesOf(odesa))[0]!), odesa);

      const { me } = expectNoGraphQLErrors(await t.gql(MY_ACCOUNTS, { token: customer.token }));
      expect(me.electricityAccounts.map((account: any) => [account.accountNumber, account.supplier.id])).toEqual([
        ['10987654', supplierIds.kyiv],
        ['46-100200', supplierIds.lviv],
        ['OD7700112', supplierIds.odesa],
      ]);
      // Linking an account one already holds changes nothing.
      expectLinked(await link(customer.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', 'Ковальчук'), kyiv);
      expect(expectNoGraphQLErrors(await t.gql(MY_ACCOUNTS, { token: customer.token })).me.electricityAccounts).toHaveLength(3);
      // The demo login still holds its own, and only those.
      const demo = await loginAs(t, demoLogins.demo);
      const demoAccounts = expectNoGraphQLErrors(await t.gql(MY_ACCOUNTS, { token: demo })).me.electricityAccounts;
      expect(demoAccounts.map((account: any) => account.accountNumber)).toEqual(['10234567', '46-208311']);
    });

    it('refuses an account another login holds, telling the user to release it there first', async () => {
      const customer = await newCustomer(t);
      const attempts = [
        { ...held.demoKyiv, kind: 'HOLDER_SURNAME' as const, value: 'Демченко', holder: demoLogins.demo.id },
        { ...held.demoKyiv, kind: 'LAST_PAYMENT_AMOUNT' as const, value: '900.00', holder: demoLogins.demo.id },
        { ...held.demoLviv, kind: 'LAST_PAYMENT_AMOUNT' as const, value: '512.20', holder: demoLogins.demo.id },
        {
          ...held.neighbourOdesa,
          kind: 'RECEIPT_CODE' as const,
          value: (await receiptCodesOf(await accountIdOf(t, held.neighbourOdesa.supplierId, held.neighbourOdesa.accountNumber)))[0]!,
          holder: demoLogins.neighbour.id,
        },
      ];
      for (const attempt of attempts) {
        const response = await link(customer.token, attempt.supplierId, attempt.accountNumber, attempt.kind, attempt.value);
        const error = expectErrorCode(response, 'ACCOUNT_HELD_BY_ANOTHER_LOGIN');
        expect(error.message).toMatch(/unlink|release/i);
        expect(error.message).toMatch(/first/i);
        expect(response.data?.linkElectricityAccount ?? null).toBeNull();
        expect(await holderOf(await accountIdOf(t, attempt.supplierId, attempt.accountNumber))).toBe(attempt.holder);
      }
    });

    it('refuses an account a fresh login just linked until that login unlinks it', async () => {
      const accountId = await accountIdOf(t, free.kyiv.supplierId, free.kyiv.accountNumber);
      const first = await newCustomer(t);
      const second = await newCustomer(t);
      expectLinked(await link(first.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', 'Ковальчук'), accountId);
      expectErrorCode(await link(second.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', 'Ковальчук'), 'ACCOUNT_HELD_BY_ANOTHER_LOGIN');
      expect(await holderOf(accountId)).toBe(first.userId);
      expectErrorCode(await viewAccount(second.token, accountId), 'FORBIDDEN');

      expectNoGraphQLErrors(await unlink(first.token, accountId));
      expectLinked(await link(second.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', 'Ковальчук'), accountId);
      expect(await holderOf(accountId)).toBe(second.userId);
    });

    it('lets the holder unlink: the account is free, its e-receipts stop, and only the holder can do it', async () => {
      const accountId = await accountIdOf(t, free.kyiv.supplierId, free.kyiv.accountNumber);
      const holder = await newCustomer(t);
      const other = await newCustomer(t);
      expectLinked(await link(holder.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', 'Ковальчук'), accountId);
      expect(
        expectNoGraphQLErrors(await t.gql(SUBSCRIBE, { token: holder.token, variables: { input: { accountId } } })).subscribeElectricityEReceipts.subscription
          .status,
      ).toBe('ACTIVE');

      expectErrorCode(await unlink(other.token, accountId), 'FORBIDDEN');
      const demo = await loginAs(t, demoLogins.demo);
      expectErrorCode(await unlink(demo, accountId), 'FORBIDDEN');
      expectErrorCode(await t.gql(UNLINK, { variables: { input: { accountId } } }), 'UNAUTHENTICATED');
      expect(await holderOf(accountId)).toBe(holder.userId);
      expect(expectNoGraphQLErrors(await viewAccount(holder.token, accountId)).electricityAccount.eReceipts).toEqual({ status: 'ACTIVE' });

      expect(expectNoGraphQLErrors(await unlink(holder.token, accountId)).unlinkElectricityAccount.accountId).toBe(accountId);
      expect(await holderOf(accountId)).toBeNull();
      expectErrorCode(await viewAccount(holder.token, accountId), 'FORBIDDEN');
      expectErrorCode(await unlink(holder.token, accountId), 'FORBIDDEN');
      expectErrorCode(await unlink(holder.token, randomUUID()), 'ACCOUNT_NOT_FOUND');

      expectLinked(await link(other.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', 'Ковальчук'), accountId);
      expect(expectNoGraphQLErrors(await viewAccount(other.token, accountId)).electricityAccount.eReceipts).toBeNull();
    });

    it('releases every account of a deactivated login through identity\'s event, and another login can link them', async () => {
      const customer = await registeredCustomer();
      const kyiv = await accountIdOf(t, free.kyiv.supplierId, free.kyiv.accountNumber);
      const lviv = await accountIdOf(t, free.lviv.supplierId, free.lviv.accountNumber);
      expectLinked(await link(customer.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', 'Ковальчук'), kyiv);
      expectLinked(await link(customer.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', 'Гнатюк'), lviv);
      const next = await newCustomer(t);
      expectErrorCode(await link(next.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', 'Ковальчук'), 'ACCOUNT_HELD_BY_ANOTHER_LOGIN');

      // A wrong password deactivates nothing and releases nothing.
      expectErrorCode(await t.gql(DEACTIVATE, { token: customer.token, variables: { input: { password: 'not-the-password-1' } } }), 'INVALID_CREDENTIALS');
      expect(expectNoGraphQLErrors(await t.gql(MY_ACCOUNTS, { token: customer.token })).me.electricityAccounts).toHaveLength(2);

      expect(expectNoGraphQLErrors(await t.gql(DEACTIVATE, { token: customer.token, variables: { input: { password: customer.password } } })).deactivateAccount.ok).toBe(
        true,
      );

      // The release is asynchronous (identity's outbox, relayed to electricity): poll as a client would.
      const deadline = Date.now() + 15_000;
      let response = await link(next.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', 'Ковальчук');
      while (errorCodes(response).includes('ACCOUNT_HELD_BY_ANOTHER_LOGIN') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        response = await link(next.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', 'Ковальчук');
      }
      expectLinked(response, kyiv);
      expectLinked(await link(next.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', 'Гнатюк'), lviv);
      expect(await holderOf(kyiv)).toBe(next.userId);
      expect(await holderOf(lviv)).toBe(next.userId);
      // Nobody else's accounts were released.
      expect(await holderOf(await accountIdOf(t, held.demoKyiv.supplierId, held.demoKyiv.accountNumber))).toBe(demoLogins.demo.id);
      expect(await holderOf(await accountIdOf(t, held.neighbourOdesa.supplierId, held.neighbourOdesa.accountNumber))).toBe(demoLogins.neighbour.id);
    });

    it('does not let a deactivated login take an account back with the access token it still has', async () => {
      const customer = await registeredCustomer();
      const kyiv = await accountIdOf(t, free.kyiv.supplierId, free.kyiv.accountNumber);
      expectLinked(await link(customer.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', 'Ковальчук'), kyiv);
      expectNoGraphQLErrors(await t.gql(DEACTIVATE, { token: customer.token, variables: { input: { password: customer.password } } }));
      const deadline = Date.now() + 15_000;
      while ((await holderOf(kyiv)) !== null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await holderOf(kyiv)).toBeNull();

      // The login is gone (it cannot log in), but its last access token has not expired yet.
      const response = await link(customer.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', 'Ковальчук');
      expect(await holderOf(kyiv)).toBeNull();
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    });

    it('gives a free account to exactly one of several logins linking it at the same moment', async () => {
      const accountId = await accountIdOf(t, free.kyiv.supplierId, free.kyiv.accountNumber);
      const customers = await Promise.all(Array.from({ length: 5 }, () => newCustomer(t)));
      const responses = await Promise.all(
        customers.map((customer) => link(customer.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', 'Ковальчук')),
      );
      const winners = customers.filter((_, index) => !responses[index]!.errors);
      expect(winners).toHaveLength(1);
      expect(responses.flatMap((response) => errorCodes(response))).toEqual(Array(4).fill('ACCOUNT_HELD_BY_ANOTHER_LOGIN'));
      expect(await holderOf(accountId)).toBe(winners[0]!.userId);
    });
  });

  describe('wrong proofs lock the number', () => {
    it('locks the number after 5 wrong proofs, for an hour, even for the right proof', async () => {
      const accountId = await accountIdOf(t, free.lviv.supplierId, free.lviv.accountNumber);
      const customer = await newCustomer(t);
      for (const attemptsLeft of [4, 3, 2, 1]) {
        const error = expectRejected(await link(customer.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', 'Гнатюкевич'), attemptsLeft);
        expect(error.extensions?.lockedUntil).toBeUndefined();
      }
      const fifth = expectRejected(await link(customer.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', 'Гнатюкевич'), 0);
      expect(fifth.extensions?.lockedUntil).toBe('2026-12-02T09:00:00.000Z');

      const locked = expectErrorCode(await link(customer.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', 'Гнатюк'), 'LINK_LOCKED');
      expect(locked.extensions).toMatchObject({ lockedUntil: '2026-12-02T09:00:00.000Z', retryAfterSeconds: 3600 });
      expect(await holderOf(accountId)).toBeNull();

      // Only this number: another number is still open to this login.
      expectRejected(await link(customer.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', 'Петренко'), 4);

      t.clock.set('2026-12-02T08:59:59Z');
      expect(expectErrorCode(await link(customer.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', 'Гнатюк'), 'LINK_LOCKED').extensions?.retryAfterSeconds).toBe(1);
      expect(await holderOf(accountId)).toBeNull();
      t.clock.set('2026-12-02T09:00:00Z');
      expectLinked(await link(customer.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', 'Гнатюк'), accountId);
      expect(await holderOf(accountId)).toBe(customer.userId);
    });

    it('counts wrong proofs from every login against the number, so rotating logins gains no guess', async () => {
      const accountId = await accountIdOf(t, free.lviv.supplierId, free.lviv.accountNumber);
      for (const attemptsLeft of [4, 3, 2, 1]) {
        const guesser = await newCustomer(t);
        expectRejected(await link(guesser.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', `Гнатюкевич-${attemptsLeft}`), attemptsLeft);
      }
      const fifth = await newCustomer(t);
      const lastGuess = expectRejected(await link(fifth.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', 'Гнатюкевич'), 0);
      expect(lastGuess.extensions?.lockedUntil).toBe('2026-12-02T09:00:00.000Z');

      // A sixth fresh login, even with the right surname, finds the number locked.
      const sixth = await newCustomer(t);
      const locked = expectErrorCode(await link(sixth.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', 'Гнатюк'), 'LINK_LOCKED');
      expect(locked.extensions).toMatchObject({ lockedUntil: '2026-12-02T09:00:00.000Z', retryAfterSeconds: 3600 });
      expectErrorCode(await link(fifth.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', 'Гнатюк'), 'LINK_LOCKED');
      expect(await holderOf(accountId)).toBeNull();
      // Another number stays open.
      expectRejected(await link(sixth.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', 'Гнатюк'), 4);

      t.clock.set('2026-12-02T09:00:00Z');
      expectLinked(await link(sixth.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', 'Гнатюк'), accountId);
    });

    it('clears no wrong proofs when a link succeeds: the next guesser gets no fresh attempts', async () => {
      const accountId = await accountIdOf(t, free.lviv.supplierId, free.lviv.accountNumber);
      for (const attemptsLeft of [4, 3, 2, 1]) {
        const guesser = await newCustomer(t);
        expectRejected(await link(guesser.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', `Гнатюкевич-${attemptsLeft}`), attemptsLeft);
      }
      const holder = await newCustomer(t);
      expectLinked(await link(holder.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', 'Гнатюк'), accountId);
      expectNoGraphQLErrors(await unlink(holder.token, accountId));

      const next = await newCustomer(t);
      const lastGuess = expectRejected(await link(next.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', 'Гнатюкевич'), 0);
      expect(lastGuess.extensions?.lockedUntil).toBe('2026-12-02T09:00:00.000Z');
    });

    it('counts 20 wrong proofs sent at once from 20 logins one by one: five are rejected, the rest find the number locked', async () => {
      const accountId = await accountIdOf(t, free.kyiv.supplierId, free.kyiv.accountNumber);
      const guessers = await Promise.all(Array.from({ length: 20 }, () => newCustomer(t)));
      const responses = await Promise.all(
        guessers.map((guesser, index) => link(guesser.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', `Петренко-${index}`)),
      );
      const codes = responses.flatMap((response) => errorCodes(response));
      expect(codes.filter((code) => code === 'LINK_PROOF_REJECTED')).toHaveLength(5);
      expect(codes.filter((code) => code === 'LINK_LOCKED')).toHaveLength(15);
      const attemptsLeft = responses.flatMap((response) => response.errors ?? []).map((error) => error.extensions?.attemptsLeft).filter((left) => left !== undefined);
      expect(attemptsLeft.sort()).toEqual([0, 1, 2, 3, 4]);

      const latecomer = await newCustomer(t);
      expectErrorCode(await link(latecomer.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', 'Ковальчук'), 'LINK_LOCKED');
      expect(await holderOf(accountId)).toBeNull();
    });

    it('keeps the lock for the hour it announced when the wrong proofs were spread over the hour', async () => {
      const accountId = await accountIdOf(t, free.lviv.supplierId, free.lviv.accountNumber);
      const customer = await newCustomer(t);
      const wrong = () => link(customer.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', 'Гнатюкевич');
      expectRejected(await wrong(), 4);
      expectRejected(await wrong(), 3);
      expectRejected(await wrong(), 2);
      t.clock.set('2026-12-02T08:40:00Z');
      expectRejected(await wrong(), 1);
      const fifth = expectRejected(await wrong(), 0);
      expect(fifth.extensions?.lockedUntil).toBe('2026-12-02T09:40:00.000Z');

      // At 09:10 the first three failures (08:00) are over an hour old, but the lock announced at 08:40 runs till 09:40.
      t.clock.set('2026-12-02T09:10:00Z');
      const locked = expectErrorCode(await link(customer.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', 'Гнатюк'), 'LINK_LOCKED');
      expect(locked.extensions?.lockedUntil).toBe('2026-12-02T09:40:00.000Z');
      expect(await holderOf(accountId)).toBeNull();

      t.clock.set('2026-12-02T09:40:00Z');
      expectLinked(await link(customer.token, free.lviv.supplierId, free.lviv.accountNumber, 'HOLDER_SURNAME', 'Гнатюк'), accountId);
    });

    it('counts 20 parallel wrong proofs one by one: five are rejected, the rest find the number locked', async () => {
      const accountId = await accountIdOf(t, free.kyiv.supplierId, free.kyiv.accountNumber);
      const customer = await newCustomer(t);
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, index) => link(customer.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', `Петренко-${index}`)),
      );
      const codes = responses.flatMap((response) => errorCodes(response));
      expect(codes.filter((code) => code === 'LINK_PROOF_REJECTED')).toHaveLength(5);
      expect(codes.filter((code) => code === 'LINK_LOCKED')).toHaveLength(15);
      const attemptsLeft = responses.flatMap((response) => response.errors ?? []).map((error) => error.extensions?.attemptsLeft).filter((left) => left !== undefined);
      expect(attemptsLeft.sort()).toEqual([0, 1, 2, 3, 4]);

      expectErrorCode(await link(customer.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', 'Ковальчук'), 'LINK_LOCKED');
      expect(await holderOf(accountId)).toBeNull();
    });

    /** One request with an aliased attempt on one number per surname in `proofs`, in that order. */
    const aliasedLinks = (token: string, proofs: string[]) => {
      const variables = Object.fromEntries(
        proofs.map((value, index) => [`i${index}`, { supplierId: free.kyiv.supplierId, accountNumber: free.kyiv.accountNumber, proof: { kind: 'HOLDER_SURNAME', value } }]),
      );
      const declarations = proofs.map((_, index) => `$i${index}: LinkAccountInput!`).join(', ');
      const fields = proofs.map((_, index) => `a${index}: linkElectricityAccount(input: $i${index}) { account { id } }`).join(' ');
      return t.gql(`mutation Batch(${declarations}) { ${fields} }`, { token, variables });
    };

    it('gives 20 aliased attempts in one request no guess at all: the gateway refuses the request before any runs', async () => {
      const accountId = await accountIdOf(t, free.kyiv.supplierId, free.kyiv.accountNumber);
      const customer = await newCustomer(t);
      // Nineteen wrong surnames, then the right one.
      const proofs = [...Array.from({ length: 19 }, (_, index) => `Петренко-${index}`), 'Ковальчук'];
      const batch = await aliasedLinks(customer.token, proofs);
      expect(batch.status).toBe(400);
      expect(errorCodes(batch)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(batch.data ?? null).toBeNull();
      expect(await holderOf(accountId)).toBeNull();
      // No attempt ran, so none was guessed and none is counted: the next wrong proof is the first.
      expectRejected(await link(customer.token, free.kyiv.supplierId, free.kyiv.accountNumber, 'HOLDER_SURNAME', 'Петренко'), 4);
    });

    it('gets no more than one guess out of a batch the gateway lets through, and counts it', async () => {
      const accountId = await accountIdOf(t, free.kyiv.supplierId, free.kyiv.accountNumber);
      const customer = await newCustomer(t);
      // 15 aliases, the most the gateway allows: wrong, then the right proof, then more wrong ones.
      const proofs = ['Петренко', 'Ковальчук', ...Array.from({ length: 13 }, (_, index) => `Петренко-${index}`)];
      for (const attemptsLeft of [4, 3, 2, 1, 0]) {
        const batch = await aliasedLinks(customer.token, proofs);
        expect(errorCodes(batch)).toEqual(['LINK_PROOF_REJECTED']);
        expect(batch.errors![0]!.extensions?.attemptsLeft).toBe(attemptsLeft);
        expect(batch.data ?? null).toBeNull();
        expect(await holderOf(accountId)).toBeNull();
      }
      expectErrorCode(await aliasedLinks(customer.token, ['Ковальчук', ...proofs.slice(2)]), 'LINK_LOCKED');
      expect(await holderOf(accountId)).toBeNull();
    });
  });
});
