import { randomUUID } from 'node:crypto';
import { eventsSecret, signAccessToken } from '@kabinet/auth';
import { demoOperators, demoPayments, demoSupplierId, demoUsers } from '@kabinet/demo';
import { eventSecretHeader } from '@kabinet/events';
import { expectNoGraphQLErrors, loginAs, startTestStack, type TestStack, type TestStackOptions } from '@kabinet/testing';
import { and, desc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { cabinetNames, demoAccountOf, printedAmount, type AccountRef, type CabinetFixture, type LinkProofKind } from './cabinet-fixture';

/** The demo logins, by the part they play. */
export const demoHolders = { demo: demoUsers.demo, second: demoUsers.second };

/**
 * What every cabinet suite does with its stack: boot it at the fixture's clock, name accounts,
 * make logins, post payments as the payments subgraph's relay does, and find the proof that
 * links a demo account.
 */
export function cabinetKit(fixture: CabinetFixture) {
  const names = cabinetNames(fixture);
  const t = {} as { stack: TestStack };
  const db = () => t.stack.stack.database.db;
  const tables = fixture.tables;

  const supplierId = (code: string) => demoSupplierId(fixture.utility, code);
  const demo = (ref: AccountRef) => demoAccountOf(fixture, ref);

  async function accountId(ref: AccountRef): Promise<string> {
    const [row] = await db()
      .select({ id: tables.accounts.id })
      .from(tables.accounts)
      .where(and(eq(tables.accounts.supplierId, supplierId(ref.supplier)), eq(tables.accounts.accountNumber, ref.number)));
    if (!row) throw new Error(`no account ${ref.supplier}/${ref.number}`);
    return row.id;
  }

  /** Who holds the account now, straight from the utility's table. */
  async function holderOf(ref: AccountRef | string): Promise<string | null> {
    const id = typeof ref === 'string' ? ref : await accountId(ref);
    const [row] = await db().select({ holderUserId: tables.accounts.holderUserId }).from(tables.accounts).where(eq(tables.accounts.id, id));
    return row!.holderUserId;
  }

  /** The receipt codes of an account's bills, newest month first, as printed. */
  async function receiptCodes(ref: AccountRef): Promise<string[]> {
    const rows = await db()
      .select({ receiptCode: tables.bills.receiptCode })
      .from(tables.bills)
      .where(eq(tables.bills.accountId, await accountId(ref)))
      .orderBy(desc(tables.bills.period));
    return rows.map((row) => row.receiptCode);
  }

  /** A fresh customer login nobody else shares, signed with the stack's keys as identity would sign it. */
  async function customer(): Promise<{ userId: string; email: string; token: string }> {
    const userId = randomUUID();
    const email = `customer-${userId.slice(0, 8)}@kabinet.test`;
    const token = await signAccessToken(t.stack.stack.tokenKeys, { userId, role: 'CUSTOMER', sessionId: randomUUID(), email });
    return { userId, email, token };
  }

  /** A demo login, logged in through the gateway. */
  const login = (who: keyof typeof demoHolders) => loginAs(t.stack, demoHolders[who]);

  /**
   * An operator of a demo supplier: its demo login through identity when the demo has one,
   * otherwise a token signed as identity signs an operator's (role OPERATOR, the supplier's id).
   */
  async function operatorLogin(supplierCode: string): Promise<{ userId: string; token: string }> {
    const login = Object.values(demoOperators).find((candidate) => (candidate.supplierIds as readonly string[]).includes(supplierId(supplierCode)));
    if (login) return { userId: login.id, token: await loginAs(t.stack, login) };
    const userId = randomUUID();
    return { userId, token: await signAccessToken(t.stack.stack.tokenKeys, { userId, role: 'OPERATOR', supplierIds: [supplierId(supplierCode)], sessionId: randomUUID() }) };
  }
  const operator = async (supplierCode: string) => (await operatorLogin(supplierCode)).token;

  /** A payment captured for the account, delivered the way the payments subgraph's relay does. */
  async function postPayment(ref: AccountRef | string, amountMinor: number, capturedAt: string, extra: Record<string, unknown> = {}) {
    const id = typeof ref === 'string' ? ref : await accountId(ref);
    const [account] = await db().select({ currency: tables.accounts.currency }).from(tables.accounts).where(eq(tables.accounts.id, id));
    const response = await postEvent({
      id: randomUUID(),
      topic: 'payments.payment.captured',
      payload: { paymentId: randomUUID(), accountId: id, amountMinor, currency: account!.currency, capturedAt, ...extra },
      createdAt: capturedAt,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  }

  /** An event envelope posted to the utility's events endpoint, with its events secret unless told otherwise. */
  async function postEvent(envelope: Record<string, unknown>, secret: string | null = eventsSecret(t.stack.stack.gatewaySecret, fixture.utility)) {
    const response = await fetch(`${t.stack.stack.subgraphs[fixture.utility].url}/internal/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret === null ? {} : { [eventSecretHeader]: secret }) },
      body: JSON.stringify(envelope),
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  }

  /** The demo payments of an account, newest first, as its ledger holds them. */
  function demoPaymentsOf(ref: AccountRef, now = new Date(fixture.windowOpen)) {
    return demoPayments
      .flatMap((payment) =>
        payment.items
          .filter((item) => item.utility === fixture.utility && item.supplierCode === ref.supplier && item.accountNumber === ref.number)
          .map((item) => ({ minor: item.amountMinor, capturedAt: new Date(now.getTime() - payment.daysAgo * 24 * 3600 * 1000).toISOString() })),
      )
      .sort((a, b) => (a.capturedAt < b.capturedAt ? 1 : -1));
  }

  /**
   * A right proof of `kind` for a demo account, as its holder would have it: the surname from the
   * demo, the latest receipt code, the last payment (one is posted first if the demo has none),
   * or a code its supplier's operator issues now.
   */
  async function proofFor(ref: AccountRef, kind: LinkProofKind): Promise<{ kind: LinkProofKind; value: string }> {
    switch (kind) {
      case 'HOLDER_SURNAME':
        return { kind, value: demo(ref).account.holderSurname };
      case 'RECEIPT_CODE':
        return { kind, value: (await receiptCodes(ref))[0]! };
      case 'LAST_PAYMENT_AMOUNT': {
        const [last] = demoPaymentsOf(ref);
        if (last) return { kind, value: printedAmount(last.minor) };
        await postPayment(ref, 45_678, new Date(t.stack.clock.now().getTime() - 3600_000).toISOString());
        return { kind, value: printedAmount(45_678) };
      }
      case 'OFFICE_CODE': {
        const issued = await t.stack.gql(ISSUE_CODE(names), { token: await operator(ref.supplier), variables: { input: { accountNumber: ref.number } } });
        return { kind, value: expectNoGraphQLErrors(issued)[names.issueLinkCode].linkCode.code };
      }
    }
  }

  /** The first proof the account's supplier takes, right. */
  const anyProofFor = (ref: AccountRef) => proofFor(ref, demo(ref).supplier.linkProofs[0]!);

  /** Links `ref` to `token`'s login with a right proof. */
  async function linkWith(token: string, ref: AccountRef, proof?: { kind: LinkProofKind; value: string }) {
    const input = { supplierId: supplierId(ref.supplier), accountNumber: ref.number, proof: proof ?? (await anyProofFor(ref)) };
    return expectNoGraphQLErrors(await t.stack.gql(LINK(names), { token, variables: { input } }))[names.link].account as { id: string; accountNumber: string };
  }

  return {
    fixture,
    names,
    tables,
    get t() {
      return t.stack;
    },
    db,
    /** Boots the whole federation with the clock at the fixture's `windowOpen`. */
    async start(options: TestStackOptions = {}) {
      t.stack = await startTestStack({ now: fixture.windowOpen, ...options });
      return t.stack;
    },
    stop: () => t.stack?.stop(),
    supplierId,
    demo,
    accountId,
    holderOf,
    receiptCodes,
    customer,
    login,
    operator,
    operatorLogin,
    postPayment,
    postEvent,
    demoPaymentsOf,
    proofFor,
    anyProofFor,
    linkWith,
    /** Moves the domain clock. */
    at: (instant: string | Date) => t.stack.clock.set(instant),
  };
}

export type CabinetKit = ReturnType<typeof cabinetKit>;

// --- operations every suite sends --------------------------------------------------------------

type Names = ReturnType<typeof cabinetNames>;

export const LINK = (n: Names) => `mutation Link($input: LinkAccountInput!) {
  ${n.link}(input: $input) { account { id accountNumber holderName kind supplier { id } } }
}`;
export const UNLINK = (n: Names) => `mutation Unlink($input: AccountIdInput!) { ${n.unlink}(input: $input) { accountId } }`;
export const ISSUE_CODE = (n: Names) =>
  `mutation Issue($input: IssueLinkCodeInput!) { ${n.issueLinkCode}(input: $input) { linkCode { code accountNumber expiresAt } } }`;
export const MY_ACCOUNTS = (n: Names) => `{ me { id ${n.accounts} { id accountNumber supplier { id } } } }`;
export const SUBSCRIBE = (n: Names) =>
  `mutation Subscribe($input: SubscribeEReceiptsInput!) { ${n.subscribe}(input: $input) { subscription { email status createdAt activatedAt } } }`;
export const CONFIRM = (n: Names) =>
  `mutation Confirm($input: ConfirmEReceiptsInput!) { ${n.confirm}(input: $input) { subscription { email status activatedAt } } }`;
export const UNSUBSCRIBE = (n: Names) =>
  `mutation Unsubscribe($input: AccountIdInput!) { ${n.unsubscribe}(input: $input) { subscription { email status } } }`;
export const RUN_BILLING = (n: Names) =>
  `mutation Run($input: RunBillingInput!) { ${n.runBilling}(input: $input) { run { period billsIssued estimatedMeters accountsFailed } } }`;

const chargeFields = `period lines { zone quantity unitPrice amount { amount currency } }
  corrections { amount currency } vat { amount currency } total { amount currency }`;
export const SUBMIT = (n: Names) => `mutation Submit($input: SubmitReadingsInput!) { ${n.submit}(input: $input) {
  account { id } readings { zone value period readAt source } preliminaryCharge { ${chargeFields} } } }`;
export const SUBMIT_ANONYMOUSLY = (n: Names) => `mutation SubmitAnonymously($input: SubmitReadingsAnonymouslyInput!) {
  ${n.submitAnonymously}(input: $input) { period acceptedReadings preliminaryCharge { ${chargeFields} } } }`;
