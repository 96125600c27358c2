import { request as httpRequest } from 'node:http';
import { gatewaySecretHeader, subgraphSecret } from '@kabinet/auth';
import { demoUsers } from '@kabinet/demo';
import { Big } from '@kabinet/money';
import { expectErrorCode, expectNoGraphQLErrors, graphqlRequest, pdfFonts, pdfPageCount, pdfPageInk, pdfText, type CapturedMail } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cabinetNames, localInstant, meterValue, monthLabel, type CabinetFixture } from './cabinet-fixture';
import { cabinetKit, CONFIRM, RUN_BILLING, SUBMIT, SUBSCRIBE, UNLINK, UNSUBSCRIBE } from './cabinet-kit';

/** An API amount (`"1234.50"`, `"-12.00"`) as a bill in hryvnias prints it: `До сплати 1 234,50 грн` or `Переплата 12,00 грн`. */
function printedDue(amount: string): string {
  const overpaid = amount.startsWith('-');
  const [whole = '', fraction = ''] = (overpaid ? amount.slice(1) : amount).split('.');
  return `${overpaid ? 'Переплата' : 'До сплати'} ${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ')},${fraction} грн`;
}

/** A download as a browser or mail client makes it: a plain GET, no Authorization header. */
async function download(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

/** A refused download: 403, a JSON error with code FORBIDDEN, and nothing else (no PDF, no stack trace). */
function expectRefusedDownload(result: Awaited<ReturnType<typeof download>>) {
  const text = result.body.toString('utf8');
  expect(result.status, text).toBe(403);
  expect(result.headers.get('content-type')).toMatch(/^application\/json/);
  expect(text.startsWith('%PDF')).toBe(false);
  expect(JSON.parse(text).errors.map((error: { extensions?: { code?: string } }) => error.extensions?.code)).toEqual(['FORBIDDEN']);
  expect(text).not.toMatch(/stacktrace|"stack"|\bat .+\.(ts|js):\d+/);
}

/** A GET sent as it is, dot segments and Host included (fetch would normalise them). */
function rawRequest(base: string, requestPath: string, headers: Record<string, string> = {}, method = 'GET', body?: string) {
  const gateway = new URL(base);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: gateway.hostname, port: gateway.port, path: requestPath, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface ApiBill {
  id: string;
  period: string;
  receiptCode: string;
  amountDue: { amount: string; currency: string };
  pdfUrl: string;
}

/**
 * Bills as a customer gets them: the PDF behind `Bill.pdfUrl`, downloaded through the gateway
 * with nothing but the signed link, and the same PDF mailed to e-receipt subscribers once per
 * new bill. poppler reads the PDFs back.
 */
export function describeCabinetBills(fixture: CabinetFixture): void {
  const kit = cabinetKit(fixture);
  const { names } = kit;
  const { supplier, account: holderDemo } = kit.demo(fixture.holder);
  const billsQuery = `query Bills($id: ID!) { ${names.account}(id: $id) {
    accountNumber holderName bills(first: 12) { edges { node { id period receiptCode amountDue { amount currency } pdfUrl } } } } }`;
  const accountQuery = `query Account($id: ID!, $next: String!, $after: String!) { ${names.account}(id: $id) {
    accountNumber meters { id serialNumber zones latestReadings { zone value } } eReceipts { email status createdAt activatedAt }
    next: bill(period: $next) { id receiptCode amountDue { amount currency } pdfUrl } after: bill(period: $after) { id receiptCode } } }`;
  const billMailSubject = (period: string, accountNumber: string) => `${fixture.billTitle}, ${monthLabel(period)} — особовий рахунок ${accountNumber}`;
  const isBillMail = (mail: CapturedMail) => mail.subject.startsWith('Рахунок за');
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  describe(`${fixture.utility} bills`, () => {
    let token: string;
    let accountId: string;
    const billsOf = async (url = kit.t.url) => {
      const data = expectNoGraphQLErrors(await graphqlRequest(url, billsQuery, { token, variables: { id: accountId } }));
      const account = data[names.account] as { accountNumber: string; holderName: string; bills: { edges: { node: ApiBill }[] } };
      return { ...account, bills: account.bills.edges.map((edge) => edge.node) };
    };

    beforeAll(async () => {
      await kit.start({ env: { JOBS_INTERVAL_SECONDS: '1' } });
      token = await kit.login('demo');
      accountId = await kit.accountId(fixture.holder);
    });
    afterAll(() => kit.stop());

    describe('PDFs through the gateway', () => {
      it('links each bill to a PDF on the gateway host that opens without a login, one bill per link', async () => {
        const { accountNumber, bills } = await billsOf();
        // The demo bills its months; the next month's window is still open.
        expect(bills.map((bill) => bill.period)).toEqual([...fixture.demoMonths].reverse().slice(0, 12));
        const gateway = new URL(kit.t.url);
        for (const bill of bills) {
          const url = new URL(bill.pdfUrl);
          expect(url.origin).toBe(gateway.origin);
          expect(url.pathname).toBe(`/files/${fixture.utility}/bills/${bill.id}.pdf`);
          expect(url.searchParams.get('token')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
        }
        const pdf = await download(bills[0]!.pdfUrl);
        expect(pdf.status).toBe(200);
        expect(pdf.headers.get('content-type')).toMatch(/^application\/pdf/);
        expect(pdf.headers.get('cache-control')).toContain('no-store');
        // Saved under the account's number and month, in the plain name and in filename* alike.
        const name = `bill-${accountNumber}-${fixture.demoMonths.at(-1)}.pdf`;
        expect(pdf.headers.get('content-disposition')).toBe(`inline; filename="${name}"; filename*=UTF-8''${name}`);
        expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      });

      it('prints the bill in Cyrillic as the API shows it: title, supplier, holder, address, account number, receipt code, amount due, meters', async () => {
        const { accountNumber, holderName, bills } = await billsOf();
        expect(accountNumber).toBe(fixture.holder.number);
        expect(holderName).toBe(holderDemo.holderName);
        const latest = bills[0]!;
        const pdf = (await download(latest.pdfUrl)).body;
        const text = pdfText(pdf);
        // A title long enough to wrap beside the receipt code's box reads whole without the layout.
        expect(pdfText(pdf, { layout: false })).toContain(fixture.billTitle);
        expect(text).toContain(supplier.name);
        expect(text).toContain(holderName);
        expect(text).toContain(holderDemo.address);
        expect(text).toContain(`Особовий рахунок ${accountNumber}`);
        expect(text).toContain('Код квитанції');
        expect(text).toContain(latest.receiptCode);
        expect(text).toContain(monthLabel(latest.period));
        expect(latest.amountDue.currency).toBe('UAH');
        expect(text).toContain(printedDue(latest.amountDue.amount));
        for (const meter of holderDemo.meters) expect(text).toContain(meter.serialNumber);

        // Cyrillic comes from embedded DejaVu, not from a viewer's fallback font.
        const fonts = pdfFonts(pdf);
        expect(fonts.length).toBeGreaterThan(0);
        for (const font of fonts) {
          expect(font.name).toMatch(/^[A-Z]{6}\+DejaVuSans(-Bold)?$/);
          expect(font.embedded, `${font.name} is not embedded`).toBe(true);
        }
        // Rendered, every page has ink on it.
        const ink = pdfPageInk(pdf);
        expect(ink).toHaveLength(pdfPageCount(pdf));
        for (const share of ink) expect(share).toBeGreaterThan(0.02);
      });

      it('serves every past month as its own bill', async () => {
        const { bills } = await billsOf();
        for (const bill of bills) {
          const text = pdfText((await download(bill.pdfUrl)).body);
          expect(text).toContain(bill.receiptCode);
          expect(text).toContain(monthLabel(bill.period));
          expect(text).toContain(printedDue(bill.amountDue.amount));
          for (const other of bills.filter((candidate) => candidate.id !== bill.id)) expect(text).not.toContain(other.receiptCode);
        }
        expect(new Set(bills.map((bill) => bill.receiptCode)).size).toBe(bills.length);
      });

      it('gives the same bytes for the same bill: the same link twice, and two fresh links', async () => {
        const first = (await billsOf()).bills[0]!;
        const a = await download(first.pdfUrl);
        const b = await download(first.pdfUrl);
        expect(a.status).toBe(200);
        expect(b.body.equals(a.body)).toBe(true);

        // A minute later the API signs a new link; the document behind it has not changed.
        kit.at(new Date(kit.t.clock.now().getTime() + 60_000));
        const again = (await billsOf()).bills[0]!;
        expect(again.id).toBe(first.id);
        expect(again.pdfUrl).not.toBe(first.pdfUrl);
        const c = await download(again.pdfUrl);
        expect(c.status).toBe(200);
        expect(c.body.equals(a.body)).toBe(true);
      });

      it('points the link at the gateway as configured, whatever Host the client sends', async () => {
        const gateway = new URL(kit.t.url);
        const answer = await rawRequest(
          kit.t.url,
          '/graphql',
          { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'content-type': 'application/json', authorization: `Bearer ${token}` },
          'POST',
          JSON.stringify({ query: billsQuery, variables: { id: accountId } }),
        );
        const pdfUrl: string = JSON.parse(answer.body).data[names.account].bills.edges[0].node.pdfUrl;
        expect(new URL(pdfUrl).origin).toBe(gateway.origin);
        expect((await download(pdfUrl)).status).toBe(200);
      });

      it(`refuses a tampered token, another bill's or account's token, a ${fixture.otherUtility} bill's, a missing one and an expired one with 403 and a JSON error`, async () => {
        const [latest, earlier] = (await billsOf()).bills;
        const link = new URL(latest!.pdfUrl);
        const goodToken = link.searchParams.get('token')!;
        const withToken = (billId: string, billToken: string, utility: string = fixture.utility) => {
          const url = new URL(link);
          url.pathname = `/files/${utility}/bills/${billId}.pdf`;
          url.searchParams.set('token', billToken);
          return url.toString();
        };
        expect((await download(withToken(latest!.id, goodToken))).status).toBe(200);

        // One character of the signature changed.
        const last = goodToken.at(-2)!;
        expectRefusedDownload(await download(withToken(latest!.id, `${goodToken.slice(0, -2)}${last === 'A' ? 'B' : 'A'}${goodToken.at(-1)}`)));
        // The payload changed (another bill named), the signature kept.
        const [header, payload, signature] = goodToken.split('.');
        const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
        expectRefusedDownload(await download(withToken(earlier!.id, `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: earlier!.id })).toString('base64url')}.${signature}`)));
        // The latest bill's valid token on an earlier bill.
        expectRefusedDownload(await download(withToken(earlier!.id, goodToken)));
        // A bill of another holder's account: its token on this bill, and this bill's token on it.
        const neighbour = await kit.login('second');
        const theirs = expectNoGraphQLErrors(await kit.t.gql(billsQuery, { token: neighbour, variables: { id: await kit.accountId(fixture.neighbour) } }))[names.account].bills.edges[0]
          .node as ApiBill;
        expect((await download(theirs.pdfUrl)).status).toBe(200);
        expectRefusedDownload(await download(withToken(latest!.id, new URL(theirs.pdfUrl).searchParams.get('token')!)));
        expectRefusedDownload(await download(withToken(theirs.id, goodToken)));
        // The other utility's bill token opens nothing here, not even under that bill's own id.
        const other = expectNoGraphQLErrors(await kit.t.gql(`{ me { ${fixture.otherUtility}Accounts { latestBill { id pdfUrl } } } }`, { token }));
        const otherBill = other.me[`${fixture.otherUtility}Accounts`][0].latestBill as { id: string; pdfUrl: string };
        const otherToken = new URL(otherBill.pdfUrl).searchParams.get('token')!;
        expect(new URL(otherBill.pdfUrl).pathname).toBe(`/files/${fixture.otherUtility}/bills/${otherBill.id}.pdf`);
        expectRefusedDownload(await download(withToken(otherBill.id, otherToken)));
        expectRefusedDownload(await download(withToken(latest!.id, otherToken)));
        // This utility's token on the other utility's path opens nothing there either.
        expectRefusedDownload(await download(withToken(latest!.id, goodToken, fixture.otherUtility)));
        // No token, an empty one, garbage, and a valid token as a bearer header instead of the link.
        expectRefusedDownload(await download(`${link.origin}${link.pathname}`));
        expectRefusedDownload(await download(withToken(latest!.id, '')));
        expectRefusedDownload(await download(withToken(latest!.id, 'not-a-token')));
        expectRefusedDownload(await download(`${link.origin}${link.pathname}`, { authorization: `Bearer ${goodToken}` }));

        // Valid for ten minutes of the domain clock: still fine after nine, refused after ten.
        const issuedAt = kit.t.clock.now();
        kit.at(new Date(issuedAt.getTime() + 9 * 60_000));
        expect((await download(latest!.pdfUrl)).status).toBe(200);
        kit.at(new Date(issuedAt.getTime() + 10 * 60_000 + 1_000));
        expectRefusedDownload(await download(latest!.pdfUrl));
        // Asking the API again gives a link that works.
        expect((await download((await billsOf()).bills[0]!.pdfUrl)).status).toBe(200);
      });

      it('keeps the subgraph\'s /files closed to anyone but the gateway, and the gateway\'s secret to /files', async () => {
        const [bill] = (await billsOf()).bills;
        const link = new URL(bill!.pdfUrl);
        const direct = `${kit.t.stack.subgraphs[fixture.utility].url}/files/bills/${bill!.id}.pdf${link.search}`;
        // A valid link, straight at the subgraph: no gateway secret, another subgraph's, or a guess is refused.
        expectRefusedDownload(await download(direct));
        expectRefusedDownload(await download(direct, { [gatewaySecretHeader]: subgraphSecret(kit.t.stack.gatewaySecret, fixture.otherUtility) }));
        expectRefusedDownload(await download(direct, { [gatewaySecretHeader]: 'guess' }));
        // With the gateway's secret the same request is served: the refusals above were about the secret.
        const viaSecret = await download(direct, { [gatewaySecretHeader]: subgraphSecret(kit.t.stack.gatewaySecret, fixture.utility) });
        expect(viaSecret.status).toBe(200);
        expect(viaSecret.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');

        // The gateway proxies files of the utility subgraphs only, and no path that climbs out of them.
        const identity = await download(`${link.origin}/files/identity/bills/${bill!.id}.pdf${link.search}`);
        expect(identity.status).toBe(404);
        for (const requestPath of [
          `/files/${fixture.utility}/%2E%2E/healthz`,
          `/files/${fixture.utility}/%2e%2e/readyz`,
          `/files/${fixture.utility}/bills/%2E%2E/%2E%2E/healthz`,
          `/files/${fixture.utility}/%2E%2E/graphql?query=%7B__typename%7D`,
        ]) {
          const answer = await rawRequest(kit.t.url, requestPath);
          expect(answer.status, `${requestPath} → ${answer.status} ${answer.body.slice(0, 200)}`).toBe(404);
          expect(answer.body).not.toContain('"status":"ok"');
          expect(answer.body).not.toContain('"status":"ready"');
        }
      });
    });

    describe('e-receipts: each new bill by email with its PDF', () => {
      const [billed, notMailed] = fixture.ledger.runs;
      const { timeZone } = supplier;
      const customerRef = fixture.unheldWithMeter;
      let customer: Awaited<ReturnType<typeof kit.customer>>;
      let customerAccountId: string;
      let operator: string;
      /** The demo holder's second address, confirmed through the mailed link; and one subscribed later, never confirmed. */
      const paperAddress = `paper-${Date.now()}@kabinet.test`;
      const unconfirmedAddress = `unconfirmed-${Date.now()}@kabinet.test`;

      const accountAs = async (who: string, id: string) =>
        expectNoGraphQLErrors(await kit.t.gql(accountQuery, { token: who, variables: { id, next: billed.period, after: notMailed.period } }))[names.account];
      const mailsTo = (address: string, subject?: string) =>
        kit.t.mailbox.messages.filter((mail) => mail.to.includes(address.toLowerCase()) && (subject === undefined || mail.subject === subject));
      const billMails = () => kit.t.mailbox.messages.filter(isBillMail);
      const subscribe = (who: string | undefined, id: string, email?: string) =>
        kit.t.gql(SUBSCRIBE(names), { token: who, variables: { input: { accountId: id, ...(email ? { email } : {}) } } });

      beforeAll(async () => {
        expect(customerRef.supplier).toBe(fixture.holder.supplier);
        kit.at(fixture.windowOpen);
        operator = await kit.operator(fixture.holder.supplier);
        // A fresh login links the supplier's unheld account.
        customer = await kit.customer();
        customerAccountId = (await kit.linkWith(customer.token, customerRef)).id;
      });

      it('subscribes the login\'s own email at once', async () => {
        const data = expectNoGraphQLErrors(await subscribe(customer.token, customerAccountId));
        const now = kit.t.clock.now().toISOString();
        expect(data[names.subscribe].subscription).toEqual({ email: customer.email, status: 'ACTIVE', createdAt: now, activatedAt: now });
        expect((await accountAs(customer.token, customerAccountId)).eReceipts).toMatchObject({ email: customer.email, status: 'ACTIVE' });
        // The login's own address needs no confirmation mail.
        expect(mailsTo(customer.email)).toHaveLength(0);
      });

      it('keeps another address PENDING until the link mailed to it is opened', async () => {
        const now = kit.t.clock.now().toISOString();
        expect(expectNoGraphQLErrors(await subscribe(token, accountId, paperAddress))[names.subscribe].subscription).toEqual({
          email: paperAddress,
          status: 'PENDING',
          createdAt: now,
          activatedAt: null,
        });
        expect((await accountAs(token, accountId)).eReceipts).toMatchObject({ email: paperAddress, status: 'PENDING', activatedAt: null });

        const mail = await kit.t.mailbox.waitFor(paperAddress, (candidate) => candidate.subject === 'Підтвердіть адресу для електронних рахунків');
        expect(mail.text).toContain(fixture.holder.number);
        expect(mail.text).toContain(`utility=${fixture.utility}`);
        const confirmToken = /[?&]token=([\w-]+)/.exec(mail.text)?.[1];
        expect(confirmToken, mail.text).toBeTruthy();

        // A made-up token confirms nothing.
        expectErrorCode(await kit.t.gql(CONFIRM(names), { variables: { input: { token: 'x'.repeat(43) } } }), 'INVALID_TOKEN');
        expect((await accountAs(token, accountId)).eReceipts.status).toBe('PENDING');
        // Nor does the other utility, whose subscriptions these are not.
        const otherUtility = cabinetNames({ utility: fixture.otherUtility, Utility: fixture.otherUtility[0]!.toUpperCase() + fixture.otherUtility.slice(1) });
        expectErrorCode(await kit.t.gql(CONFIRM(otherUtility), { variables: { input: { token: confirmToken } } }), 'INVALID_TOKEN');

        // The mailed link works without a login (it is opened from the mailbox), once.
        const confirmed = expectNoGraphQLErrors(await kit.t.gql(CONFIRM(names), { variables: { input: { token: confirmToken } } }));
        expect(confirmed[names.confirm].subscription).toEqual({ email: paperAddress, status: 'ACTIVE', activatedAt: now });
        expect((await accountAs(token, accountId)).eReceipts).toMatchObject({ email: paperAddress, status: 'ACTIVE' });
        expectErrorCode(await kit.t.gql(CONFIRM(names), { variables: { input: { token: confirmToken } } }), 'INVALID_TOKEN');
      });

      it('lets only the holder subscribe or unsubscribe', async () => {
        const attacker = `attacker-${Date.now()}@kabinet.test`;
        for (const [who, code] of [
          [customer.token, 'FORBIDDEN'],
          [await kit.login('second'), 'FORBIDDEN'],
          [operator, 'FORBIDDEN'],
          [undefined, 'UNAUTHENTICATED'],
        ] as const) {
          const withAddress = await subscribe(who, accountId, attacker);
          expectErrorCode(withAddress, code);
          expect(withAddress.data?.[names.subscribe] ?? null).toBeNull();
          expectErrorCode(await subscribe(who, accountId), code);
          expectErrorCode(await kit.t.gql(UNSUBSCRIBE(names), { token: who, variables: { input: { accountId } } }), code);
        }
        expect((await accountAs(token, accountId)).eReceipts).toMatchObject({ email: paperAddress, status: 'ACTIVE' });
        expect(mailsTo(attacker)).toHaveLength(0);
      });

      it('mails the next bill the day it is issued, with its PDF, once', async () => {
        // The month's readings, inside the window.
        const before = await accountAs(customer.token, customerAccountId);
        const demoMeters = kit.demo(customerRef).account.meters;
        const readings = before.meters.flatMap((meter: any) => {
          const seeded = demoMeters.find((candidate) => candidate.serialNumber === meter.serialNumber)!;
          return meter.latestReadings.map((reading: any) => ({
            meterId: meter.id,
            zone: reading.zone,
            value: meterValue(new Big(reading.value).plus(seeded.monthlyUse[seeded.zones.indexOf(reading.zone)]!)),
          }));
        });
        expect(readings.length).toBeGreaterThan(0);
        const submitted = expectNoGraphQLErrors(await kit.t.gql(SUBMIT(names), { token: customer.token, variables: { input: { accountId: customerAccountId, readings } } }));
        expect(submitted[names.submit].readings.map((reading: any) => reading.period)).toEqual(readings.map(() => billed.period));

        // After the window, the supplier's operator runs the month's billing.
        kit.at(billed.runAt);
        const run = expectNoGraphQLErrors(await kit.t.gql(RUN_BILLING(names), { token: operator, variables: { input: { period: billed.period } } }));
        expect(run[names.runBilling].run).toMatchObject({ period: billed.period, billsIssued: supplier.accounts.length, accountsFailed: 0 });

        // The bills appear the next day: nothing is mailed on the run's day, whatever the job does meanwhile.
        await sleep(2_500);
        expect(billMails()).toHaveLength(0);
        expect((await accountAs(customer.token, customerAccountId)).next).toBeNull();

        kit.at(localInstant(billed.issuedOn, '10:00', timeZone));
        const subject = billMailSubject(billed.period, customerRef.number);
        const mail = await kit.t.mailbox.waitFor(customer.email, isBillMail, 15_000);
        expect(mail.subject).toBe(subject);
        const { next: bill } = await accountAs(customer.token, customerAccountId);
        expect(bill).toBeTruthy();
        expect(mail.text).toContain(bill.receiptCode);

        const attachments = mail.parsed.attachments;
        expect(attachments).toHaveLength(1);
        expect(attachments[0]!.contentType).toBe('application/pdf');
        expect(attachments[0]!.filename).toBe(`bill-${billed.period}.pdf`);
        const pdf = attachments[0]!.content;
        const text = pdfText(pdf);
        expect(pdfText(pdf, { layout: false })).toContain(fixture.billTitle);
        expect(text).toContain(kit.demo(customerRef).account.holderName);
        expect(text).toContain(customerRef.number);
        expect(text).toContain(bill.receiptCode);
        expect(text).toContain(monthLabel(billed.period));
        expect(text).toContain(printedDue(bill.amountDue.amount));
        for (const share of pdfPageInk(pdf)) expect(share).toBeGreaterThan(0.02);
        // The attachment is the bill's PDF, byte for byte, as its link serves it.
        const downloaded = await download(bill.pdfUrl);
        expect(downloaded.status).toBe(200);
        expect(downloaded.body.equals(pdf)).toBe(true);

        // The confirmed second address gets the demo account's bill.
        const demoBill = (await accountAs(token, accountId)).next;
        const demoMail = await kit.t.mailbox.waitFor(paperAddress, isBillMail, 15_000);
        expect(demoMail.subject).toBe(billMailSubject(billed.period, fixture.holder.number));
        expect(pdfText(demoMail.parsed.attachments[0]!.content)).toContain(demoBill.receiptCode);

        // Several job cycles later each bill has gone out once, to its subscriber only.
        await sleep(4_000);
        expect(mailsTo(customer.email, subject)).toHaveLength(1);
        expect(mailsTo(paperAddress, billMailSubject(billed.period, fixture.holder.number))).toHaveLength(1);
        expect(billMails().map((candidate) => candidate.to)).toEqual(expect.arrayContaining([[customer.email.toLowerCase()], [paperAddress.toLowerCase()]]));
        expect(billMails()).toHaveLength(2);
        expect(mailsTo(demoUsers.demo.email).filter(isBillMail)).toHaveLength(0);
      });

      it('unsubscribes an account whose bills were mailed', async () => {
        const unsubscribed = await kit.t.gql(UNSUBSCRIBE(names), { token: customer.token, variables: { input: { accountId: customerAccountId } } });
        expect(unsubscribed.errors, JSON.stringify(unsubscribed.errors)).toBeUndefined();
        expect(unsubscribed.data?.[names.unsubscribe]).toEqual({ subscription: null });
        expect((await accountAs(customer.token, customerAccountId)).eReceipts).toBeNull();
      });

      it('sends the month after\'s bills to nobody: not after unsubscribing, not to an address not yet confirmed', async () => {
        // The demo holder moves bills to a new address and does not confirm it.
        expect(expectNoGraphQLErrors(await subscribe(token, accountId, unconfirmedAddress))[names.subscribe].subscription).toMatchObject({
          email: unconfirmedAddress,
          status: 'PENDING',
          activatedAt: null,
        });
        await kit.t.mailbox.waitFor(unconfirmedAddress, (candidate) => candidate.subject === 'Підтвердіть адресу для електронних рахунків');

        // The next month billed on estimates (no readings came), after its window.
        kit.at(notMailed.runAt);
        const run = expectNoGraphQLErrors(await kit.t.gql(RUN_BILLING(names), { token: operator, variables: { input: { period: notMailed.period } } }));
        expect(run[names.runBilling].run).toMatchObject({ period: notMailed.period, billsIssued: supplier.accounts.length });
        kit.at(localInstant(notMailed.issuedOn, '10:00', timeZone));
        expect((await accountAs(customer.token, customerAccountId)).after).toMatchObject({ receiptCode: expect.any(String) });
        expect((await accountAs(token, accountId)).after).toMatchObject({ receiptCode: expect.any(String) });

        await sleep(4_000);
        const billMailsTo = (address: string) => mailsTo(address).filter(isBillMail).map((mail) => mail.subject);
        expect(billMailsTo(unconfirmedAddress)).toEqual([]);
        expect(billMailsTo(paperAddress)).toEqual([billMailSubject(billed.period, fixture.holder.number)]);
        expect(billMailsTo(customer.email)).toEqual([billMailSubject(billed.period, customerRef.number)]);
      });

      it('unlinks an account whose bills were mailed, and its e-receipts end with it', async () => {
        const unlinked = await kit.t.gql(UNLINK(names), { token, variables: { input: { accountId } } });
        expect(unlinked.errors, JSON.stringify(unlinked.errors)).toBeUndefined();
        expect(unlinked.data?.[names.unlink]).toEqual({ accountId });
        const me = expectNoGraphQLErrors(await kit.t.gql(`{ me { ${names.accounts} { accountNumber } } }`, { token }));
        const stillHeld = fixture.demoSuppliers.flatMap((candidate) =>
          candidate.accounts.filter((account) => account.holderUserId === demoUsers.demo.id && account.accountNumber !== fixture.holder.number).map((account) => account.accountNumber),
        );
        expect(me.me[names.accounts].map((account: { accountNumber: string }) => account.accountNumber).sort()).toEqual(stillHeld.sort());
        // The supplier's operator sees the released account without a subscription.
        expect((await accountAs(operator, accountId)).eReceipts).toBeNull();
      });
    });
  });
}
