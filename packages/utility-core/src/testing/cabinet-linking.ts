import { randomUUID } from 'node:crypto';
import { demoSupplierId } from '@kabinet/demo';
import { errorCodes, expectErrorCode, expectNoGraphQLErrors, loginAs, type GraphQLResponse } from '@kabinet/testing';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccountRef, CabinetFixture, LinkProofKind } from './cabinet-fixture';
import { cabinetKit, demoHolders, ISSUE_CODE, LINK, MY_ACCOUNTS, SUBSCRIBE, UNLINK } from './cabinet-kit';

const allProofKinds: LinkProofKind[] = ['LAST_PAYMENT_AMOUNT', 'RECEIPT_CODE', 'OFFICE_CODE', 'HOLDER_SURNAME'];
const hour = 3600_000;
const REGISTER = `mutation Register($input: RegisterInput!) { register(input: $input) { email } }`;
const CONFIRM_EMAIL = `mutation Confirm($input: ConfirmEmailInput!) { confirmEmail(input: $input) { user { id } } }`;
const DEACTIVATE = `mutation Deactivate($input: DeactivateAccountInput!) { deactivateAccount(input: $input) { ok } }`;

/**
 * Linking a utility's accounts through the gateway: each proof its suppliers take, account-number
 * formats, one holder per account, and wrong proofs locking a number for every login.
 */
export function describeCabinetLinking(fixture: CabinetFixture): void {
  const kit = cabinetKit(fixture);
  const { names, tables } = kit;
  const { HOLDER_SURNAME: bySurname, LAST_PAYMENT_AMOUNT: byPayment, RECEIPT_CODE: byReceipt, OFFICE_CODE: byOfficeCode, officeCodeNeighbour } = fixture.unheld;
  const surname = (ref: AccountRef) => kit.demo(ref).account.holderSurname;

  describe(`linking ${fixture.utility} accounts through the gateway`, () => {
    let start: Date;
    beforeAll(async () => {
      await kit.start();
      start = kit.t.clock.now();
    });
    afterAll(() => kit.stop());

    // Each test starts from the demo's holders, clock and no wrong proofs, whatever the one before it left.
    afterEach(async () => {
      kit.at(start);
      await kit.db().delete(tables.linkFailures);
      for (const supplier of fixture.demoSuppliers) {
        for (const account of supplier.accounts) {
          const id = await kit.accountId({ supplier: supplier.code, number: account.accountNumber });
          await kit.db().update(tables.accounts).set({ holderUserId: account.holderUserId ?? null }).where(eq(tables.accounts.id, id));
          if (!account.holderUserId) await kit.db().delete(tables.eReceiptSubscriptions).where(eq(tables.eReceiptSubscriptions.accountId, id));
        }
      }
    });

    const link = (token: string | undefined, ref: AccountRef | { supplierId: string; number: string }, kind: LinkProofKind, value: string) => {
      const supplierId = 'supplierId' in ref ? ref.supplierId : kit.supplierId(ref.supplier);
      return kit.t.gql(LINK(names), { token, variables: { input: { supplierId, accountNumber: ref.number, proof: { kind, value } } } });
    };
    const linkRight = async (token: string, ref: AccountRef, kind: LinkProofKind) => {
      const proof = await kit.proofFor(ref, kind);
      return link(token, ref, proof.kind, proof.value);
    };
    const unlink = (token: string | undefined, accountId: string) => kit.t.gql(UNLINK(names), { token, variables: { input: { accountId } } });
    const viewAccount = (token: string, id: string) =>
      kit.t.gql(`query ($id: ID!) { ${names.account}(id: $id) { id accountNumber eReceipts { status } } }`, { token, variables: { id } });
    const myAccounts = async (token: string) => expectNoGraphQLErrors(await kit.t.gql(MY_ACCOUNTS(names), { token })).me[names.accounts] as any[];

    const expectLinked = (response: GraphQLResponse, accountId: string) => {
      const { account } = expectNoGraphQLErrors(response)[names.link];
      expect(account.id).toBe(accountId);
      return account;
    };
    const expectRejected = (response: GraphQLResponse, attemptsLeft: number) => {
      const error = expectErrorCode(response, 'LINK_PROOF_REJECTED');
      expect(error.extensions?.attemptsLeft).toBe(attemptsLeft);
      expect(response.data?.[names.link] ?? null).toBeNull();
      return error;
    };
    const inAnHour = (from: Date) => new Date(from.getTime() + hour).toISOString();

    /** A real identity login (registered, confirmed, logged in): what `me` and deactivation need. */
    async function registeredCustomer() {
      const email = `linking-${randomUUID().slice(0, 8)}@kabinet.test`;
      const password = 'Лінк-2026-рахунок';
      expectNoGraphQLErrors(await kit.t.gql(REGISTER, { variables: { input: { email, password, displayName: 'Ірина Ковальчук' } } }));
      const mail = await kit.t.mailbox.waitFor(email);
      const confirmToken = /token=([\w-]+)/.exec(mail.text)![1]!;
      expectNoGraphQLErrors(await kit.t.gql(CONFIRM_EMAIL, { variables: { input: { token: confirmToken } } }));
      const token = await loginAs(kit.t, { email, password });
      const userId = expectNoGraphQLErrors(await kit.t.gql(MY_ACCOUNTS(names), { token })).me.id as string;
      return { email, password, token, userId };
    }

    it('publishes each supplier\'s account-number format and the proofs it accepts', async () => {
      const published = expectNoGraphQLErrors(await kit.t.gql(`{ ${names.suppliers} { id accountNumberFormat linkProofs } }`))[names.suppliers];
      expect(published.map((supplier: any) => supplier.id).sort()).toEqual(fixture.demoSuppliers.map((supplier) => kit.supplierId(supplier.code)).sort());
      for (const supplier of fixture.demoSuppliers) {
        expect(published.find((candidate: any) => candidate.id === kit.supplierId(supplier.code))).toEqual({
          id: kit.supplierId(supplier.code),
          accountNumberFormat: supplier.accountNumberFormat.en,
          linkProofs: supplier.linkProofs,
        });
      }
    });

    describe('proofs', () => {
      it('links by the holder\'s surname, whatever its case and surrounding spaces', async () => {
        const customer = await kit.customer();
        const accountId = await kit.accountId(bySurname);
        expectErrorCode(await viewAccount(customer.token, accountId), 'FORBIDDEN');

        const typed = `  ${surname(bySurname).toLocaleUpperCase('uk')} `;
        const account = expectLinked(await link(customer.token, bySurname, 'HOLDER_SURNAME', typed), accountId);
        const { account: demo } = kit.demo(bySurname);
        expect(account).toMatchObject({ accountNumber: bySurname.number, holderName: demo.holderName, kind: demo.kind ?? 'RESIDENTIAL', supplier: { id: kit.supplierId(bySurname.supplier) } });
        expect(await kit.holderOf(accountId)).toBe(customer.userId);
        expect(expectNoGraphQLErrors(await viewAccount(customer.token, accountId))[names.account].accountNumber).toBe(bySurname.number);
      });

      it('refuses a wrong surname and links nothing', async () => {
        const customer = await kit.customer();
        const accountId = await kit.accountId(bySurname);
        const error = expectRejected(await link(customer.token, bySurname, 'HOLDER_SURNAME', `${surname(bySurname)}евич`), 4);
        expect(error.extensions?.lockedUntil).toBeUndefined();
        expect(await kit.holderOf(accountId)).toBeNull();
        expectErrorCode(await viewAccount(customer.token, accountId), 'FORBIDDEN');
      });

      it('links by the amount of the last payment or the one before it, but not an older one', async () => {
        const accountId = await kit.accountId(byPayment);
        const daysAgo = (days: number) => new Date(start.getTime() - days * 24 * hour).toISOString();
        await kit.postPayment(accountId, 30_000, daysAgo(20));
        await kit.postPayment(accountId, 41_235, daysAgo(10));
        await kit.postPayment(accountId, 51_220, daysAgo(2));

        const first = await kit.customer();
        expectRejected(await link(first.token, byPayment, 'LAST_PAYMENT_AMOUNT', '300.00'), 4);
        expectRejected(await link(first.token, byPayment, 'LAST_PAYMENT_AMOUNT', '512.21'), 3);
        expect(await kit.holderOf(accountId)).toBeNull();

        // The last payment, typed with a decimal comma.
        expectLinked(await link(first.token, byPayment, 'LAST_PAYMENT_AMOUNT', '512,20'), accountId);
        expect(await kit.holderOf(accountId)).toBe(first.userId);
        // The payments the proof was checked against are the ones the holder now sees.
        const ledger = `query ($id: ID!) { ${names.account}(id: $id) { ledger(first: 10) { edges { node { kind amount { amount } } } } } }`;
        const edges = expectNoGraphQLErrors(await kit.t.gql(ledger, { token: first.token, variables: { id: accountId } }))[names.account].ledger.edges;
        const payments = edges.map((edge: any) => edge.node).filter((entry: any) => entry.kind === 'PAYMENT');
        expect(payments.map((entry: any) => entry.amount.amount)).toEqual(['-512.20', '-412.35', '-300.00']);
        expectNoGraphQLErrors(await unlink(first.token, accountId));

        // The one before it: bank transfers arrive days late.
        const second = await kit.customer();
        expectLinked(await link(second.token, byPayment, 'LAST_PAYMENT_AMOUNT', '412.35'), accountId);
        expect(await kit.holderOf(accountId)).toBe(second.userId);
      });

      it('links by the receipt code of any of the last three bills, typed as people type it, not an older bill or another account\'s', async () => {
        const accountId = await kit.accountId(byReceipt);
        const codes = await kit.receiptCodes(byReceipt);
        expect(codes).toHaveLength(fixture.demoMonths.length);
        expect(codes.length).toBeGreaterThanOrEqual(4);
        const [otherAccountsCode] = await kit.receiptCodes(fixture.holder);

        const customer = await kit.customer();
        expectRejected(await link(customer.token, byReceipt, 'RECEIPT_CODE', codes[3]!), 4);
        expectRejected(await link(customer.token, byReceipt, 'RECEIPT_CODE', otherAccountsCode!), 3);
        expect(await kit.holderOf(accountId)).toBeNull();

        // The number as typed: lower case, a space inside, spaces around.
        const typedNumber = ` ${byReceipt.number.slice(0, 3)} ${byReceipt.number.slice(3)} `.toLocaleLowerCase('uk');
        for (const code of codes.slice(0, 3)) {
          const holder = await kit.customer();
          // The code as read from paper: lower case, with spaces.
          const typed = ` ${code.toLowerCase().split('').join(' ')} `;
          const account = expectLinked(await link(holder.token, { ...byReceipt, number: typedNumber }, 'RECEIPT_CODE', typed), accountId);
          expect(account.accountNumber).toBe(byReceipt.number);
          expect(await kit.holderOf(accountId)).toBe(holder.userId);
          expectNoGraphQLErrors(await unlink(holder.token, accountId));
          expect(await kit.holderOf(accountId)).toBeNull();
        }
      });

      it('links with a one-time code the supplier\'s operator issued, valid 7 days, and the code works once', async () => {
        const operator = await kit.operator(byOfficeCode.supplier);
        const accountId = await kit.accountId(byOfficeCode);
        const issued = expectNoGraphQLErrors(await kit.t.gql(ISSUE_CODE(names), { token: operator, variables: { input: { accountNumber: byOfficeCode.number } } }));
        const { linkCode } = issued[names.issueLinkCode];
        expect(linkCode.accountNumber).toBe(byOfficeCode.number);
        expect(linkCode.code).toMatch(/^\d{8}$/);
        expect(linkCode.expiresAt).toBe(new Date(start.getTime() + 7 * 24 * hour).toISOString());

        const first = await kit.customer();
        const wrongCode = String((Number(linkCode.code) + 1) % 100_000_000).padStart(8, '0');
        expectRejected(await link(first.token, byOfficeCode, 'OFFICE_CODE', wrongCode), 4);
        const account = expectLinked(await link(first.token, byOfficeCode, 'OFFICE_CODE', linkCode.code), accountId);
        expect(account.kind).toBe(kit.demo(byOfficeCode).account.kind ?? 'RESIDENTIAL');
        expect(await kit.holderOf(accountId)).toBe(first.userId);
        expectNoGraphQLErrors(await unlink(first.token, accountId));

        const second = await kit.customer();
        // The first login's wrong code counts against the number for every login.
        expectRejected(await link(second.token, byOfficeCode, 'OFFICE_CODE', linkCode.code), 3);
        expect(await kit.holderOf(accountId)).toBeNull();
      });

      it('accepts an office code only for the account it was issued for, and only for 7 days', async () => {
        const operator = await kit.operator(byOfficeCode.supplier);
        const issue = async (accountNumber: string) =>
          expectNoGraphQLErrors(await kit.t.gql(ISSUE_CODE(names), { token: operator, variables: { input: { accountNumber } } }))[names.issueLinkCode].linkCode.code as string;
        const accountId = await kit.accountId(byOfficeCode);
        const customer = await kit.customer();

        expectRejected(await link(customer.token, byOfficeCode, 'OFFICE_CODE', await issue(officeCodeNeighbour.number)), 4);

        const code = await issue(byOfficeCode.number);
        kit.at(new Date(start.getTime() + 7 * 24 * hour));
        expectRejected(await link(customer.token, byOfficeCode, 'OFFICE_CODE', code), 4);
        kit.at(new Date(start.getTime() + 7 * 24 * hour - 1000));
        expectLinked(await link(customer.token, byOfficeCode, 'OFFICE_CODE', code), accountId);
      });

      it('lets only the supplier\'s own operators issue office codes, for their own accounts', async () => {
        const codesBefore = (await kit.db().select().from(tables.linkCodes)).length;
        const customer = await kit.customer();
        const issue = (token: string | undefined, accountNumber: string) => kit.t.gql(ISSUE_CODE(names), { token, variables: { input: { accountNumber } } });
        expectErrorCode(await issue(customer.token, byOfficeCode.number), 'FORBIDDEN');
        expectErrorCode(await issue(undefined, byOfficeCode.number), 'UNAUTHENTICATED');
        // Operators name accounts by number within their own supplier.
        expectErrorCode(await issue(await kit.operator(byOfficeCode.supplier), byPayment.number), 'ACCOUNT_NOT_FOUND');
        // A supplier that takes no office codes issues none (a code would link nothing).
        const noCodes = fixture.demoSuppliers.find((supplier) => !supplier.linkProofs.includes('OFFICE_CODE'))!;
        const refused = expectErrorCode(await issue(await kit.operator(noCodes.code), noCodes.accounts[0]!.accountNumber), 'PROOF_NOT_ACCEPTED');
        expect(refused.extensions?.acceptedProofs).toEqual(noCodes.linkProofs);
        expect((await kit.db().select().from(tables.linkCodes)).length).toBe(codesBefore);
      });

      it('refuses a proof the supplier does not accept, naming the ones it does, even when its value is right', async () => {
        const customer = await kit.customer();
        for (const ref of [bySurname, byPayment, byReceipt, byOfficeCode]) {
          const { supplier } = kit.demo(ref);
          for (const kind of allProofKinds.filter((candidate) => !supplier.linkProofs.includes(candidate))) {
            const value = kind === 'HOLDER_SURNAME' ? surname(ref) : kind === 'OFFICE_CODE' ? '12345678' : kind === 'RECEIPT_CODE' ? (await kit.receiptCodes(ref))[0]! : '100.00';
            const error = expectErrorCode(await link(customer.token, ref, kind, value), 'PROOF_NOT_ACCEPTED');
            expect(error.extensions?.acceptedProofs).toEqual(supplier.linkProofs);
            for (const accepted of supplier.linkProofs) expect(error.message).toContain(accepted);
            expect(await kit.holderOf(ref)).toBeNull();
          }
        }
      });
    });

    describe('account numbers and suppliers', () => {
      it('refuses a number in another format than the supplier\'s, naming the format it expects', async () => {
        const customer = await kit.customer();
        for (const supplier of fixture.demoSuppliers) {
          const own = supplier.accounts[0]!.accountNumber;
          const pattern = new RegExp(supplier.accountNumberPattern);
          const foreign = fixture.demoSuppliers.flatMap((other) => other.accounts.map((account) => account.accountNumber)).filter((number) => !pattern.test(number));
          for (const number of [own.slice(0, -1), ...foreign.slice(0, 2)]) {
            const response = await link(customer.token, { supplier: supplier.code, number }, supplier.linkProofs[0]!, 'X');
            const error = expectErrorCode(response, 'INVALID_ACCOUNT_NUMBER');
            expect(error.extensions?.expectedFormat).toBe(supplier.accountNumberFormat.en);
            expect(error.message).toContain(supplier.accountNumberFormat.en);
          }
        }
        // Refused before any account is looked at: nothing linked, wherever the number exists.
        for (const ref of [bySurname, byPayment, byReceipt, byOfficeCode]) expect(await kit.holderOf(ref)).toBeNull();
      });

      it(`refuses an unknown supplier, a ${fixture.otherUtility} supplier included`, async () => {
        const customer = await kit.customer();
        const otherUtilitySupplier = demoSupplierId(fixture.otherUtility, 'kamchatka-energo');
        for (const supplierId of [randomUUID(), otherUtilitySupplier, 'not-an-id']) {
          expectErrorCode(await link(customer.token, { supplierId, number: bySurname.number }, 'HOLDER_SURNAME', surname(bySurname)), 'SUPPLIER_NOT_FOUND');
        }
        expect(await kit.holderOf(bySurname)).toBeNull();
      });

      it('answers an unknown number exactly as a wrong proof, and counts it', async () => {
        const customer = await kit.customer();
        const unknown = { supplier: bySurname.supplier, number: fixture.unknownNumber(bySurname.supplier) };
        const unknownAnswer = expectRejected(await link(customer.token, unknown, 'HOLDER_SURNAME', surname(bySurname)), 4);
        const wrongProof = expectRejected(await link(customer.token, bySurname, 'HOLDER_SURNAME', 'Петренко'), 4);
        expect(unknownAnswer.message).toBe(wrongProof.message);
        expectRejected(await link(customer.token, unknown, 'HOLDER_SURNAME', surname(bySurname)), 3);
      });

      it('refuses anonymous callers', async () => {
        expectErrorCode(await link(undefined, bySurname, 'HOLDER_SURNAME', surname(bySurname)), 'UNAUTHENTICATED');
        expect(await kit.holderOf(bySurname)).toBeNull();
      });

      it('refuses staff: an operator who knows the right proof still cannot become a household\'s holder', async () => {
        const refused = expectErrorCode(await link(await kit.operator(bySurname.supplier), bySurname, 'HOLDER_SURNAME', surname(bySurname)), 'FORBIDDEN');
        expect(refused.message).toMatch(/household/);
        expect(await kit.holderOf(bySurname)).toBeNull();
      });
    });

    describe('holders', () => {
      it('lets one login hold many accounts of several suppliers', async () => {
        const customer = await registeredCustomer();
        const refs = [bySurname, byPayment];
        expect(new Set(refs.map((ref) => ref.supplier)).size).toBe(2);
        for (const ref of refs) expectLinked(await linkRight(customer.token, ref, kit.demo(ref).supplier.linkProofs.includes('HOLDER_SURNAME') ? 'HOLDER_SURNAME' : 'LAST_PAYMENT_AMOUNT'), await kit.accountId(ref));

        const held = (await myAccounts(customer.token)).map((account) => [account.accountNumber, account.supplier.id]);
        expect(held.sort()).toEqual(refs.map((ref) => [ref.number, kit.supplierId(ref.supplier)]).sort());
        // Linking an account one already holds changes nothing.
        expectLinked(await link(customer.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), await kit.accountId(bySurname));
        expect(await myAccounts(customer.token)).toHaveLength(2);
        // The demo login still holds its own, and only those.
        const demo = await kit.login('demo');
        const demoOwn = fixture.demoSuppliers.flatMap((supplier) =>
          supplier.accounts.filter((account) => account.holderUserId === demoHolders.demo.id).map((account) => account.accountNumber),
        );
        expect((await myAccounts(demo)).map((account) => account.accountNumber).sort()).toEqual(demoOwn.sort());
      });

      it('refuses an account another login holds, telling the user to release it there first', async () => {
        const customer = await kit.customer();
        const held = fixture.demoSuppliers.flatMap((supplier) =>
          supplier.accounts.filter((account) => account.holderUserId).map((account) => ({ ref: { supplier: supplier.code, number: account.accountNumber }, holder: account.holderUserId })),
        );
        expect(held.length).toBeGreaterThanOrEqual(3);
        for (const { ref, holder } of held) {
          for (const kind of kit.demo(ref).supplier.linkProofs) {
            const proof = await kit.proofFor(ref, kind);
            const response = await link(customer.token, ref, proof.kind, proof.value);
            const error = expectErrorCode(response, 'ACCOUNT_HELD_BY_ANOTHER_LOGIN');
            expect(error.message).toMatch(/unlink|release/i);
            expect(error.message).toMatch(/first/i);
            expect(response.data?.[names.link] ?? null).toBeNull();
            expect(await kit.holderOf(ref)).toBe(holder);
          }
        }
      });

      it('refuses an account a fresh login just linked until that login unlinks it', async () => {
        const accountId = await kit.accountId(bySurname);
        const first = await kit.customer();
        const second = await kit.customer();
        expectLinked(await link(first.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), accountId);
        expectErrorCode(await link(second.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), 'ACCOUNT_HELD_BY_ANOTHER_LOGIN');
        expect(await kit.holderOf(accountId)).toBe(first.userId);
        expectErrorCode(await viewAccount(second.token, accountId), 'FORBIDDEN');

        expectNoGraphQLErrors(await unlink(first.token, accountId));
        expectLinked(await link(second.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), accountId);
        expect(await kit.holderOf(accountId)).toBe(second.userId);
      });

      it('lets the holder unlink: the account is free, its e-receipts stop, and only the holder can do it', async () => {
        const accountId = await kit.accountId(bySurname);
        const holder = await kit.customer();
        const other = await kit.customer();
        expectLinked(await link(holder.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), accountId);
        const subscribed = expectNoGraphQLErrors(await kit.t.gql(SUBSCRIBE(names), { token: holder.token, variables: { input: { accountId } } }));
        expect(subscribed[names.subscribe].subscription.status).toBe('ACTIVE');

        expectErrorCode(await unlink(other.token, accountId), 'FORBIDDEN');
        expectErrorCode(await unlink(await kit.login('demo'), accountId), 'FORBIDDEN');
        expectErrorCode(await unlink(undefined, accountId), 'UNAUTHENTICATED');
        expect(await kit.holderOf(accountId)).toBe(holder.userId);
        expect(expectNoGraphQLErrors(await viewAccount(holder.token, accountId))[names.account].eReceipts).toEqual({ status: 'ACTIVE' });

        expect(expectNoGraphQLErrors(await unlink(holder.token, accountId))[names.unlink].accountId).toBe(accountId);
        expect(await kit.holderOf(accountId)).toBeNull();
        expectErrorCode(await viewAccount(holder.token, accountId), 'FORBIDDEN');
        expectErrorCode(await unlink(holder.token, accountId), 'FORBIDDEN');
        expectErrorCode(await unlink(holder.token, randomUUID()), 'ACCOUNT_NOT_FOUND');

        expectLinked(await link(other.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), accountId);
        expect(expectNoGraphQLErrors(await viewAccount(other.token, accountId))[names.account].eReceipts).toBeNull();
      });

      it('releases every account of a deactivated login through identity\'s event, and another login can link them', async () => {
        const customer = await registeredCustomer();
        const first = await kit.accountId(bySurname);
        const second = await kit.accountId(byPayment);
        const paymentProof = await kit.proofFor(byPayment, 'LAST_PAYMENT_AMOUNT');
        expectLinked(await link(customer.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), first);
        expectLinked(await link(customer.token, byPayment, paymentProof.kind, paymentProof.value), second);
        const next = await kit.customer();
        expectErrorCode(await link(next.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), 'ACCOUNT_HELD_BY_ANOTHER_LOGIN');

        // A wrong password deactivates nothing and releases nothing.
        expectErrorCode(await kit.t.gql(DEACTIVATE, { token: customer.token, variables: { input: { password: 'not-the-password-1' } } }), 'INVALID_CREDENTIALS');
        expect(await myAccounts(customer.token)).toHaveLength(2);
        expect(expectNoGraphQLErrors(await kit.t.gql(DEACTIVATE, { token: customer.token, variables: { input: { password: customer.password } } })).deactivateAccount.ok).toBe(true);

        // The release is asynchronous (identity's outbox, relayed to the utility): poll as a client would.
        const deadline = Date.now() + 15_000;
        let response = await link(next.token, bySurname, 'HOLDER_SURNAME', surname(bySurname));
        while (errorCodes(response).includes('ACCOUNT_HELD_BY_ANOTHER_LOGIN') && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          response = await link(next.token, bySurname, 'HOLDER_SURNAME', surname(bySurname));
        }
        expectLinked(response, first);
        expectLinked(await link(next.token, byPayment, paymentProof.kind, paymentProof.value), second);
        expect(await kit.holderOf(first)).toBe(next.userId);
        expect(await kit.holderOf(second)).toBe(next.userId);
        // Nobody else's accounts were released.
        expect(await kit.holderOf(fixture.holder)).toBe(kit.demo(fixture.holder).account.holderUserId);
        expect(await kit.holderOf(fixture.neighbour)).toBe(kit.demo(fixture.neighbour).account.holderUserId);
      });

      it('does not let a deactivated login take an account back with the access token it still has', async () => {
        const customer = await registeredCustomer();
        const accountId = await kit.accountId(bySurname);
        expectLinked(await link(customer.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), accountId);
        expectNoGraphQLErrors(await kit.t.gql(DEACTIVATE, { token: customer.token, variables: { input: { password: customer.password } } }));
        const deadline = Date.now() + 15_000;
        while ((await kit.holderOf(accountId)) !== null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
        expect(await kit.holderOf(accountId)).toBeNull();

        // The login is gone (it cannot log in), but its last access token has not expired yet.
        const response = await link(customer.token, bySurname, 'HOLDER_SURNAME', surname(bySurname));
        expect(await kit.holderOf(accountId)).toBeNull();
        expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
      });

      it('gives a free account to exactly one of several logins linking it at the same moment', async () => {
        const accountId = await kit.accountId(bySurname);
        const customers = await Promise.all(Array.from({ length: 5 }, () => kit.customer()));
        const responses = await Promise.all(customers.map((customer) => link(customer.token, bySurname, 'HOLDER_SURNAME', surname(bySurname))));
        const winners = customers.filter((_, index) => !responses[index]!.errors);
        expect(winners).toHaveLength(1);
        expect(responses.flatMap((response) => errorCodes(response))).toEqual(Array(4).fill('ACCOUNT_HELD_BY_ANOTHER_LOGIN'));
        expect(await kit.holderOf(accountId)).toBe(winners[0]!.userId);
      });
    });

    describe('wrong proofs lock the number', () => {
      const wrongSurname = (suffix: string | number = '') => `${surname(bySurname)}евич${suffix}`;
      /** Another number, at another supplier: a wrong proof of its own kind there is its first. */
      const wrongElsewhere = (token: string) => link(token, byPayment, 'LAST_PAYMENT_AMOUNT', '0.01');

      it('locks the number after 5 wrong proofs, for an hour, even for the right proof', async () => {
        const accountId = await kit.accountId(bySurname);
        const customer = await kit.customer();
        for (const attemptsLeft of [4, 3, 2, 1]) {
          const error = expectRejected(await link(customer.token, bySurname, 'HOLDER_SURNAME', wrongSurname()), attemptsLeft);
          expect(error.extensions?.lockedUntil).toBeUndefined();
        }
        const fifth = expectRejected(await link(customer.token, bySurname, 'HOLDER_SURNAME', wrongSurname()), 0);
        expect(fifth.extensions?.lockedUntil).toBe(inAnHour(start));

        const locked = expectErrorCode(await link(customer.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), 'LINK_LOCKED');
        expect(locked.extensions).toMatchObject({ locked: 'ACCOUNT_NUMBER', lockedUntil: inAnHour(start), retryAfterSeconds: 3600 });
        expect(await kit.holderOf(accountId)).toBeNull();

        // Only this number: another number is still open to this login.
        expectRejected(await wrongElsewhere(customer.token), 4);

        kit.at(new Date(start.getTime() + hour - 1000));
        expect(expectErrorCode(await link(customer.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), 'LINK_LOCKED').extensions?.retryAfterSeconds).toBe(1);
        expect(await kit.holderOf(accountId)).toBeNull();
        kit.at(inAnHour(start));
        expectLinked(await link(customer.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), accountId);
        expect(await kit.holderOf(accountId)).toBe(customer.userId);
      });

      it('counts wrong proofs from every login against the number, so rotating logins gains no guess', async () => {
        const accountId = await kit.accountId(bySurname);
        for (const attemptsLeft of [4, 3, 2, 1]) {
          const guesser = await kit.customer();
          expectRejected(await link(guesser.token, bySurname, 'HOLDER_SURNAME', wrongSurname(attemptsLeft)), attemptsLeft);
        }
        const fifth = await kit.customer();
        expect(expectRejected(await link(fifth.token, bySurname, 'HOLDER_SURNAME', wrongSurname()), 0).extensions?.lockedUntil).toBe(inAnHour(start));

        // A sixth fresh login, even with the right surname, finds the number locked.
        const sixth = await kit.customer();
        const locked = expectErrorCode(await link(sixth.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), 'LINK_LOCKED');
        expect(locked.extensions).toMatchObject({ lockedUntil: inAnHour(start), retryAfterSeconds: 3600 });
        expectErrorCode(await link(fifth.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), 'LINK_LOCKED');
        expect(await kit.holderOf(accountId)).toBeNull();
        // Another number stays open.
        expectRejected(await wrongElsewhere(sixth.token), 4);

        kit.at(inAnHour(start));
        expectLinked(await link(sixth.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), accountId);
      });

      it('locks linking for a login after 10 wrong proofs over several numbers, even its right proof, for an hour', async () => {
        const accountId = await kit.accountId(bySurname);
        const customer = await kit.customer();
        // Three guesses at each of several numbers: no number gets near its own lock.
        for (let attempt = 0; attempt < 10; attempt += 1) {
          const unknown = { supplier: bySurname.supplier, number: fixture.unknownNumber(bySurname.supplier, Math.floor(attempt / 3)) };
          expectErrorCode(await link(customer.token, unknown, 'HOLDER_SURNAME', wrongSurname(attempt)), 'LINK_PROOF_REJECTED');
        }
        const locked = expectErrorCode(await link(customer.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), 'LINK_LOCKED');
        expect(locked.extensions).toMatchObject({ locked: 'LOGIN', lockedUntil: inAnHour(start), retryAfterSeconds: 3600 });
        expect(await kit.holderOf(accountId)).toBeNull();
        // Another login is not locked by this one's guesses, and the number itself was never tried.
        const other = await kit.customer();
        expectLinked(await link(other.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), accountId);
      });

      it('clears no wrong proofs when a link succeeds: the next guesser gets no fresh attempts', async () => {
        const accountId = await kit.accountId(bySurname);
        for (const attemptsLeft of [4, 3, 2, 1]) {
          const guesser = await kit.customer();
          expectRejected(await link(guesser.token, bySurname, 'HOLDER_SURNAME', wrongSurname(attemptsLeft)), attemptsLeft);
        }
        const holder = await kit.customer();
        expectLinked(await link(holder.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), accountId);
        expectNoGraphQLErrors(await unlink(holder.token, accountId));

        const next = await kit.customer();
        expect(expectRejected(await link(next.token, bySurname, 'HOLDER_SURNAME', wrongSurname()), 0).extensions?.lockedUntil).toBe(inAnHour(start));
      });

      it('keeps the lock for the hour it announced when the wrong proofs were spread over the hour', async () => {
        const accountId = await kit.accountId(bySurname);
        const customer = await kit.customer();
        const wrong = () => link(customer.token, bySurname, 'HOLDER_SURNAME', wrongSurname());
        expectRejected(await wrong(), 4);
        expectRejected(await wrong(), 3);
        expectRejected(await wrong(), 2);
        const fortyMinutesLater = new Date(start.getTime() + 40 * 60_000);
        kit.at(fortyMinutesLater);
        expectRejected(await wrong(), 1);
        expect(expectRejected(await wrong(), 0).extensions?.lockedUntil).toBe(inAnHour(fortyMinutesLater));

        // 70 minutes in, the first three failures are over an hour old, but the lock announced at 40 runs till 100.
        kit.at(new Date(start.getTime() + 70 * 60_000));
        const locked = expectErrorCode(await link(customer.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), 'LINK_LOCKED');
        expect(locked.extensions?.lockedUntil).toBe(inAnHour(fortyMinutesLater));
        expect(await kit.holderOf(accountId)).toBeNull();

        kit.at(inAnHour(fortyMinutesLater));
        expectLinked(await link(customer.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), accountId);
      });

      it.each([
        { who: 'from 20 logins', logins: 20 },
        { who: 'from one login', logins: 1 },
      ])('counts 20 wrong proofs sent at once $who one by one: five are rejected, the rest find the number locked', async ({ logins }) => {
        const accountId = await kit.accountId(bySurname);
        const guessers = await Promise.all(Array.from({ length: logins }, () => kit.customer()));
        const responses = await Promise.all(
          Array.from({ length: 20 }, (_, index) => link(guessers[index % logins]!.token, bySurname, 'HOLDER_SURNAME', wrongSurname(index))),
        );
        const codes = responses.flatMap((response) => errorCodes(response));
        expect(codes.filter((code) => code === 'LINK_PROOF_REJECTED')).toHaveLength(5);
        expect(codes.filter((code) => code === 'LINK_LOCKED')).toHaveLength(15);
        const attemptsLeft = responses.flatMap((response) => response.errors ?? []).map((error) => error.extensions?.attemptsLeft).filter((left) => left !== undefined);
        expect(attemptsLeft.sort()).toEqual([0, 1, 2, 3, 4]);

        const latecomer = await kit.customer();
        expectErrorCode(await link(latecomer.token, bySurname, 'HOLDER_SURNAME', surname(bySurname)), 'LINK_LOCKED');
        expect(await kit.holderOf(accountId)).toBeNull();
      });

      /** One request with an aliased attempt on one number per surname in `proofs`, in that order. */
      const aliasedLinks = (token: string, proofs: string[]) => {
        const variables = Object.fromEntries(
          proofs.map((value, index) => [`i${index}`, { supplierId: kit.supplierId(bySurname.supplier), accountNumber: bySurname.number, proof: { kind: 'HOLDER_SURNAME', value } }]),
        );
        const declarations = proofs.map((_, index) => `$i${index}: LinkAccountInput!`).join(', ');
        const fields = proofs.map((_, index) => `a${index}: ${names.link}(input: $i${index}) { account { id } }`).join(' ');
        return kit.t.gql(`mutation Batch(${declarations}) { ${fields} }`, { token, variables });
      };

      it('gives 20 aliased attempts in one request no guess at all: the gateway refuses the request before any runs', async () => {
        const accountId = await kit.accountId(bySurname);
        const customer = await kit.customer();
        // Nineteen wrong surnames, then the right one.
        const batch = await aliasedLinks(customer.token, [...Array.from({ length: 19 }, (_, index) => wrongSurname(index)), surname(bySurname)]);
        expect(batch.status).toBe(400);
        expect(errorCodes(batch)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
        expect(batch.data ?? null).toBeNull();
        expect(await kit.holderOf(accountId)).toBeNull();
        // No attempt ran, so none was guessed and none is counted: the next wrong proof is the first.
        expectRejected(await link(customer.token, bySurname, 'HOLDER_SURNAME', wrongSurname()), 4);
      });

      it('gets no more than one guess out of a batch the gateway lets through, and counts it', async () => {
        const accountId = await kit.accountId(bySurname);
        const customer = await kit.customer();
        // 15 aliases, the most the gateway allows: wrong, then the right proof, then more wrong ones.
        const proofs = [wrongSurname(), surname(bySurname), ...Array.from({ length: 13 }, (_, index) => wrongSurname(index))];
        for (const attemptsLeft of [4, 3, 2, 1, 0]) {
          const batch = await aliasedLinks(customer.token, proofs);
          expect(errorCodes(batch)).toEqual(['LINK_PROOF_REJECTED']);
          expect(batch.errors![0]!.extensions?.attemptsLeft).toBe(attemptsLeft);
          expect(batch.data ?? null).toBeNull();
          expect(await kit.holderOf(accountId)).toBeNull();
        }
        expectErrorCode(await aliasedLinks(customer.token, [surname(bySurname), ...proofs.slice(2)]), 'LINK_LOCKED');
        expect(await kit.holderOf(accountId)).toBeNull();
      });
    });
  });
}
