import { request as httpRequest } from 'node:http';
import { gatewaySecretHeader, subgraphSecret } from '@kabinet/auth';
import {
  expectErrorCode,
  expectNoGraphQLErrors,
  graphqlRequest,
  pdfFonts,
  pdfPageCount,
  pdfPageInk,
  pdfText,
  type CapturedMail,
  type TestStack,
} from '@kabinet/testing';
import { periodLabel } from '@kabinet/utility-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdOf, demoLogins, loginAs, newCustomer, startElectricityStack, supplierIds } from './testing/e2e';

/*
 * Bills as a customer gets them: the PDF behind `Bill.pdfUrl`, downloaded through the gateway
 * with nothing but the signed link, and the same PDF mailed to e-receipt subscribers once per
 * new bill. Everything goes through the gateway over HTTP; poppler reads the PDFs back.
 */

/** An API amount (`"1234.50"`, `"-12.00"`) as the bill prints it: `До сплати 1 234,50 грн` or `Переплата 12,00 грн`. */
function printedDue(amount: string): string {
  const overpaid = amount.startsWith('-');
  const [whole = '', fraction = ''] = (overpaid ? amount.slice(1) : amount).split('.');
  return `${overpaid ? 'Переплата' : 'До сплати'} ${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ')},${fraction} грн`;
}

/** A download as a browser or mail client makes it: a plain GET, no Authorization header. */
async function download(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, body };
}

/** A refused download: 403, a JSON error with code FORBIDDEN, and nothing else (no PDF, no stack trace). */
function expectRefusedDownload(result: Awaited<ReturnType<typeof download>>) {
  const text = result.body.toString('utf8');
  expect(result.status, text).toBe(403);
  expect(result.headers.get('content-type')).toMatch(/^application\/json/);
  expect(text.startsWith('%PDF')).toBe(false);
  const body = JSON.parse(text);
  expect(body.errors.map((error: { extensions?: { code?: string } }) => error.extensions?.code)).toEqual(['FORBIDDEN']);
  expect(text).not.toMatch(/stacktrace|"stack"|\bat .+\.(ts|js):\d+/);
}

const billsQuery = `query Bills($id: ID!) {
  electricityAccount(id: $id) {
    accountNumber holderName
    bills(first: 12) { edges { node { id period receiptCode amountDue { amount currency } pdfUrl } } }
  }
}`;

interface ApiBill {
  id: string;
  period: string;
  receiptCode: string;
  amountDue: { amount: string; currency: string };
  pdfUrl: string;
}

describe('Bill PDFs through the gateway', () => {
  let t: TestStack;
  let token: string;
  let accountId: string;

  const billsOf = async (url = t.url) => {
    const data = expectNoGraphQLErrors(await graphqlRequest(url, billsQuery, { token, variables: { id: accountId } }));
    const account = data.electricityAccount as { accountNumber: string; holderName: string; bills: { edges: { node: ApiBill }[] } };
    return { ...account, bills: account.bills.edges.map((edge) => edge.node) };
  };

  beforeAll(async () => {
    t = await startElectricityStack();
    token = await loginAs(t, demoLogins.demo);
    accountId = await accountIdOf(t, supplierIds.kyiv, '10234567');
  });
  afterAll(() => t?.stop());

  it('links each bill to a PDF on the gateway host that opens without a login, one bill per link', async () => {
    const { bills } = await billsOf();
    // The demo data bills July to October; November's window is still open.
    expect(bills.map((bill) => bill.period)).toEqual(['2026-10', '2026-09', '2026-08', '2026-07']);
    const gateway = new URL(t.url);
    for (const bill of bills) {
      const url = new URL(bill.pdfUrl);
      expect(url.origin).toBe(gateway.origin);
      expect(url.pathname).toBe(`/files/electricity/bills/${bill.id}.pdf`);
      expect(url.searchParams.get('token')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    }

    const latest = bills[0]!;
    const pdf = await download(latest.pdfUrl);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toMatch(/^application\/pdf/);
    expect(pdf.headers.get('cache-control')).toContain('no-store');
    expect(pdf.headers.get('content-disposition')).toContain('bill-2026-10.pdf');
    expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('prints the bill in Cyrillic as the API shows it: title, holder, account number, receipt code, amount due', async () => {
    const { accountNumber, holderName, bills } = await billsOf();
    expect(accountNumber).toBe('10234567');
    expect(holderName).toBe('Демченко Олена Іванівна');
    const latest = bills[0]!;
    const pdf = (await download(latest.pdfUrl)).body;

    const text = pdfText(pdf);
    expect(text).toContain('Рахунок за електроенергію');
    expect(text).toContain('Київські енергетичні послуги');
    expect(text).toContain(holderName);
    expect(text).toContain('м. Київ, вул. Хрещатик, 15, кв. 42');
    expect(text).toContain(`Особовий рахунок ${accountNumber}`);
    expect(text).toContain('Код квитанції');
    expect(text).toContain(latest.receiptCode);
    expect(text).toContain('жовтень 2026');
    expect(latest.amountDue.currency).toBe('UAH');
    expect(text).toContain(printedDue(latest.amountDue.amount));
    expect(text).toContain('NIK-2303-0041187');

    // Cyrillic comes from embedded DejaVu, not from a viewer's fallback font.
    const fonts = pdfFonts(pdf);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) {
      expect(font.name).toMatch(/^[A-Z]{6}\+DejaVuSans(-Bold)?$/);
      expect(font.embedded, `${font.name} is not embedded`).toBe(true);
    }

    // Rendered, every page has ink on it.
    const pages = pdfPageCount(pdf);
    const ink = pdfPageInk(pdf);
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(ink).toHaveLength(pages);
    for (const share of ink) expect(share).toBeGreaterThan(0.02);
  });

  it('serves every past month as its own bill', async () => {
    const { bills } = await billsOf();
    const codes = new Set<string>();
    for (const bill of bills) {
      const text = pdfText((await download(bill.pdfUrl)).body);
      expect(text).toContain(bill.receiptCode);
      expect(text).toContain(periodLabel(bill.period));
      expect(text).toContain(printedDue(bill.amountDue.amount));
      for (const other of bills.filter((candidate) => candidate.id !== bill.id)) expect(text).not.toContain(other.receiptCode);
      codes.add(bill.receiptCode);
    }
    expect(codes.size).toBe(bills.length);
  });

  it('gives the same bytes for the same bill: the same link twice, and two fresh links', async () => {
    const first = (await billsOf()).bills[0]!;
    const a = await download(first.pdfUrl);
    const b = await download(first.pdfUrl);
    expect(a.status).toBe(200);
    expect(b.body.equals(a.body)).toBe(true);

    // A minute later the API signs a new link; the document behind it has not changed.
    t.clock.set(new Date(t.clock.now().getTime() + 60_000));
    const again = (await billsOf()).bills[0]!;
    expect(again.id).toBe(first.id);
    expect(again.pdfUrl).not.toBe(first.pdfUrl);
    const c = await download(again.pdfUrl);
    expect(c.status).toBe(200);
    expect(c.body.equals(a.body)).toBe(true);
  });

  it('points the link at the gateway as configured, whatever Host the client sends', async () => {
    const gateway = new URL(t.url);
    const [bill] = (await billsOf()).bills;
    // No PUBLIC_URL in this stack: the gateway's own address.
    expect(new URL(bill!.pdfUrl).origin).toBe(gateway.origin);
    const pdf = await download(bill!.pdfUrl);
    expect(pdf.status).toBe(200);
    expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // A forged Host header (or X-Forwarded-Host) must not turn the link into one to another site.
    const body = JSON.stringify({ query: billsQuery, variables: { id: accountId } });
    const answer = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        {
          host: gateway.hostname,
          port: gateway.port,
          path: '/graphql',
          method: 'POST',
          headers: {
            host: 'evil.example',
            'x-forwarded-host': 'evil.example',
            'content-type': 'application/json',
            authorization: `Bearer ${token}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    const pdfUrl: string = JSON.parse(answer).data.electricityAccount.bills.edges[0].node.pdfUrl;
    expect(new URL(pdfUrl).origin).toBe(gateway.origin);
  });

  it('refuses a tampered token, another bill\'s token, a missing token and an expired one with 403 and a JSON error', async () => {
    const [october, september] = (await billsOf()).bills;
    const link = new URL(october!.pdfUrl);
    const goodToken = link.searchParams.get('token')!;
    const withToken = (billId: string, token: string) => {
      const url = new URL(link);
      url.pathname = `/files/electricity/bills/${billId}.pdf`;
      url.searchParams.set('token', token);
      return url.toString();
    };
    expect((await download(withToken(october!.id, goodToken))).status).toBe(200);

    // One character of the signature changed.
    const last = goodToken.at(-2)!;
    const tampered = `${goodToken.slice(0, -2)}${last === 'A' ? 'B' : 'A'}${goodToken.at(-1)}`;
    expectRefusedDownload(await download(withToken(october!.id, tampered)));
    // The payload changed (another bill named), the signature kept.
    const [header, payload, signature] = goodToken.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: september!.id })).toString('base64url')}.${signature}`;
    expectRefusedDownload(await download(withToken(september!.id, forged)));
    // October's valid token on September's bill.
    expectRefusedDownload(await download(withToken(september!.id, goodToken)));
    // A bill of another holder's account: its token on this bill, and this bill's token on it.
    const neighbour = await loginAs(t, demoLogins.neighbour);
    const neighbourAccountId = await accountIdOf(t, supplierIds.odesa, 'OD4412907');
    const theirs = expectNoGraphQLErrors(await t.gql(billsQuery, { token: neighbour, variables: { id: neighbourAccountId } }))
      .electricityAccount.bills.edges[0].node as ApiBill;
    const theirToken = new URL(theirs.pdfUrl).searchParams.get('token')!;
    expect((await download(theirs.pdfUrl)).status).toBe(200);
    expectRefusedDownload(await download(withToken(october!.id, theirToken)));
    expectRefusedDownload(await download(withToken(theirs.id, goodToken)));
    // A heat bill's token opens nothing in electricity, not even under the heat bill's own id.
    const heat = expectNoGraphQLErrors(await t.gql(`{ me { heatAccounts { latestBill { id pdfUrl } } } }`, { token }));
    const heatBill = heat.me.heatAccounts[0].latestBill as { id: string; pdfUrl: string };
    const heatToken = new URL(heatBill.pdfUrl).searchParams.get('token')!;
    expect(new URL(heatBill.pdfUrl).pathname).toBe(`/files/heat/bills/${heatBill.id}.pdf`);
    expectRefusedDownload(await download(withToken(heatBill.id, heatToken)));
    expectRefusedDownload(await download(withToken(october!.id, heatToken)));
    // No token, an empty one, garbage.
    expectRefusedDownload(await download(`${link.origin}${link.pathname}`));
    expectRefusedDownload(await download(withToken(october!.id, '')));
    expectRefusedDownload(await download(withToken(october!.id, 'not-a-token')));
    // A valid token sent as a bearer header is no way around the link either.
    expectRefusedDownload(await download(`${link.origin}${link.pathname}`, { authorization: `Bearer ${goodToken}` }));

    // Valid for ten minutes of the domain clock: still fine after nine, refused after ten.
    const issuedAt = t.clock.now();
    t.clock.set(new Date(issuedAt.getTime() + 9 * 60_000));
    expect((await download(october!.pdfUrl)).status).toBe(200);
    t.clock.set(new Date(issuedAt.getTime() + 10 * 60_000 + 1_000));
    expectRefusedDownload(await download(october!.pdfUrl));
    // Asking the API again gives a link that works.
    const fresh = (await billsOf()).bills[0]!;
    expect((await download(fresh.pdfUrl)).status).toBe(200);
  });

  it('keeps the subgraph\'s /files closed to anyone but the gateway', async () => {
    const [bill] = (await billsOf()).bills;
    const link = new URL(bill!.pdfUrl);
    const direct = `${t.stack.subgraphs.electricity.url}/files/bills/${bill!.id}.pdf${link.search}`;

    // A valid link, straight at the subgraph: no gateway secret, or another subgraph's, is refused.
    expectRefusedDownload(await download(direct));
    expectRefusedDownload(await download(direct, { [gatewaySecretHeader]: subgraphSecret(t.stack.gatewaySecret, 'heat') }));
    expectRefusedDownload(await download(direct, { [gatewaySecretHeader]: 'guess' }));
    // With the gateway's secret the same request is served: the refusals above were about the secret.
    const viaSecret = await download(direct, { [gatewaySecretHeader]: subgraphSecret(t.stack.gatewaySecret, 'electricity') });
    expect(viaSecret.status).toBe(200);
    expect(viaSecret.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // The gateway proxies files of the utility subgraphs only.
    const identity = await download(`${link.origin}/files/identity/bills/${bill!.id}.pdf${link.search}`);
    expect(identity.status).toBe(404);
    expect(identity.body.toString('utf8').startsWith('%PDF')).toBe(false);
  });

  it('lends the gateway\'s secret to the subgraph\'s /files only, not to paths that climb out of it', async () => {
    // Dot segments sent as they are (fetch would normalise them away before sending).
    const rawGet = (requestPath: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const gateway = new URL(t.url);
        const req = httpRequest({ host: gateway.hostname, port: gateway.port, path: requestPath, method: 'GET' }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        });
        req.on('error', reject);
        req.end();
      });
    for (const requestPath of [
      '/files/electricity/%2E%2E/healthz',
      '/files/electricity/%2e%2e/readyz',
      '/files/electricity/bills/%2E%2E/%2E%2E/healthz',
      '/files/electricity/%2E%2E/graphql?query=%7B__typename%7D',
    ]) {
      const answer = await rawGet(requestPath);
      // Whatever the gateway answers, it is not the subgraph answering a request the gateway vouched for.
      expect(answer.status, `${requestPath} → ${answer.status} ${answer.body.slice(0, 200)}`).toBe(404);
      expect(answer.body).not.toContain('"status":"ok"');
      expect(answer.body).not.toContain('"status":"ready"');
      expect(answer.body).not.toContain('Cross-Site Request Forgery');
    }
  });
});

const accountQuery = `query Account($id: ID!) {
  electricityAccount(id: $id) {
    accountNumber
    meters { id zones latestReadings { zone value } }
    eReceipts { email status createdAt activatedAt }
    bill2026_11: bill(period: "2026-11") { id receiptCode amountDue { amount currency } pdfUrl }
    bill2026_12: bill(period: "2026-12") { id receiptCode }
  }
}`;
const subscribeMutation = `mutation Subscribe($input: SubscribeEReceiptsInput!) {
  subscribeElectricityEReceipts(input: $input) { subscription { email status createdAt activatedAt } }
}`;
const confirmMutation = `mutation Confirm($input: ConfirmEReceiptsInput!) {
  confirmElectricityEReceipts(input: $input) { subscription { email status activatedAt } }
}`;
const unsubscribeMutation = `mutation Unsubscribe($input: AccountIdInput!) {
  unsubscribeElectricityEReceipts(input: $input) { subscription { email status } }
}`;
const linkMutation = `mutation Link($input: LinkAccountInput!) { linkElectricityAccount(input: $input) { account { id accountNumber } } }`;
const submitMutation = `mutation Submit($input: SubmitReadingsInput!) {
  submitElectricityReadings(input: $input) { readings { zone value period } }
}`;
const billingMutation = `mutation Bill($input: RunBillingInput!) {
  runElectricityBilling(input: $input) { run { period billsIssued } }
}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const billMailSubject = (period: string, accountNumber: string) =>
  `Рахунок за електроенергію, ${periodLabel(period)} — особовий рахунок ${accountNumber}`;

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

describe('E-receipts: each new bill by email with its PDF', () => {
  let t: TestStack;
  let demoToken: string;
  let demoAccountId: string;
  let customer: Awaited<ReturnType<typeof newCustomer>>;
  let customerAccountId: string;
  /** The demo holder's second address, confirmed through the mailed link. */
  const paperAddress = `paper-${Date.now()}@kabinet.test`;
  /** An address the demo holder subscribes later and never confirms. */
  const unconfirmedAddress = `unconfirmed-${Date.now()}@kabinet.test`;

  const accountAs = async (token: string, id: string) =>
    expectNoGraphQLErrors(await t.gql(accountQuery, { token, variables: { id } })).electricityAccount;
  const mailsTo = (address: string, subject?: string) =>
    t.mailbox.messages.filter((mail) => mail.to.includes(address.toLowerCase()) && (subject === undefined || mail.subject === subject));
  const billMails = () => t.mailbox.messages.filter((mail) => mail.subject.startsWith('Рахунок за'));

  beforeAll(async () => {
    t = await startElectricityStack({ env: { JOBS_INTERVAL_SECONDS: '1' } });
    demoToken = await loginAs(t, demoLogins.demo);
    demoAccountId = await accountIdOf(t, supplierIds.kyiv, '10234567');
    // A fresh login links Kyiv-energo's unheld account by its holder's surname.
    customer = await newCustomer(t);
    const linked = expectNoGraphQLErrors(
      await t.gql(linkMutation, {
        token: customer.token,
        variables: { input: { supplierId: supplierIds.kyiv, accountNumber: '10987654', proof: { kind: 'HOLDER_SURNAME', value: 'Ковальчук' } } },
      }),
    );
    customerAccountId = linked.linkElectricityAccount.account.id;
  });
  afterAll(() => t?.stop());

  it('subscribes the login\'s own email at once (2 December)', async () => {
    const data = expectNoGraphQLErrors(await t.gql(subscribeMutation, { token: customer.token, variables: { input: { accountId: customerAccountId } } }));
    expect(data.subscribeElectricityEReceipts.subscription).toEqual({
      email: customer.email,
      status: 'ACTIVE',
      createdAt: '2026-12-02T08:00:00.000Z',
      activatedAt: '2026-12-02T08:00:00.000Z',
    });
    expect((await accountAs(customer.token, customerAccountId)).eReceipts).toMatchObject({ email: customer.email, status: 'ACTIVE' });
    // The login's own address needs no confirmation mail.
    expect(mailsTo(customer.email)).toHaveLength(0);
  });

  it('keeps another address PENDING until the link mailed to it is opened', async () => {
    const data = expectNoGraphQLErrors(
      await t.gql(subscribeMutation, { token: demoToken, variables: { input: { accountId: demoAccountId, email: paperAddress } } }),
    );
    expect(data.subscribeElectricityEReceipts.subscription).toEqual({
      email: paperAddress,
      status: 'PENDING',
      createdAt: '2026-12-02T08:00:00.000Z',
      activatedAt: null,
    });
    expect((await accountAs(demoToken, demoAccountId)).eReceipts).toMatchObject({ email: paperAddress, status: 'PENDING', activatedAt: null });

    const mail = await t.mailbox.waitFor(paperAddress, (candidate) => candidate.subject === 'Підтвердіть адресу для електронних рахунків');
    expect(mail.text).toContain('10234567');
    const token = /[?&]token=([\w-]+)/.exec(mail.text)?.[1];
    expect(token, mail.text).toBeTruthy();

    // A made-up token confirms nothing.
    expectErrorCode(await t.gql(confirmMutation, { variables: { input: { token: 'x'.repeat(43) } } }), 'INVALID_TOKEN');
    expect((await accountAs(demoToken, demoAccountId)).eReceipts.status).toBe('PENDING');

    // The mailed link works without a login (it is opened from the mailbox), once.
    const confirmed = expectNoGraphQLErrors(await t.gql(confirmMutation, { variables: { input: { token } } }));
    expect(confirmed.confirmElectricityEReceipts.subscription).toEqual({ email: paperAddress, status: 'ACTIVE', activatedAt: '2026-12-02T08:00:00.000Z' });
    expect((await accountAs(demoToken, demoAccountId)).eReceipts).toMatchObject({ email: paperAddress, status: 'ACTIVE' });
    expectErrorCode(await t.gql(confirmMutation, { variables: { input: { token } } }), 'INVALID_TOKEN');
  });

  it('lets only the holder subscribe or unsubscribe', async () => {
    const operator = await loginAs(t, demoLogins.kyivOperator);
    const neighbour = await loginAs(t, demoLogins.neighbour);
    const attacker = `attacker-${Date.now()}@kabinet.test`;
    for (const [token, code] of [
      [customer.token, 'FORBIDDEN'],
      [neighbour, 'FORBIDDEN'],
      [operator, 'FORBIDDEN'],
      [undefined, 'UNAUTHENTICATED'],
    ] as const) {
      const subscribe = await t.gql(subscribeMutation, { token, variables: { input: { accountId: demoAccountId, email: attacker } } });
      expectErrorCode(subscribe, code);
      expect(subscribe.data?.subscribeElectricityEReceipts ?? null).toBeNull();
      const subscribeOwnEmail = await t.gql(subscribeMutation, { token, variables: { input: { accountId: demoAccountId } } });
      expectErrorCode(subscribeOwnEmail, code);
      const unsubscribe = await t.gql(unsubscribeMutation, { token, variables: { input: { accountId: demoAccountId } } });
      expectErrorCode(unsubscribe, code);
    }
    expect((await accountAs(demoToken, demoAccountId)).eReceipts).toMatchObject({ email: paperAddress, status: 'ACTIVE' });
    expect(mailsTo(attacker)).toHaveLength(0);
  });

  it('mails the November bill the day it is issued, with its PDF, once', async () => {
    // November readings, inside Kyiv-energo's window (1–5 December).
    const before = await accountAs(customer.token, customerAccountId);
    const meter = before.meters[0];
    expect(meter.zones).toEqual(['SINGLE']);
    const previous = Number(meter.latestReadings[0].value);
    const submitted = expectNoGraphQLErrors(
      await t.gql(submitMutation, {
        token: customer.token,
        variables: { input: { accountId: customerAccountId, readings: [{ meterId: meter.id, zone: 'SINGLE', value: String(previous + 175) }] } },
      }),
    );
    expect(submitted.submitElectricityReadings.readings).toEqual([{ zone: 'SINGLE', value: String(previous + 175), period: '2026-11' }]);

    // 6 December, after the window: the supplier's operator runs November's billing.
    t.clock.set('2026-12-06T08:00:00Z');
    const operator = await loginAs(t, demoLogins.kyivOperator);
    const run = expectNoGraphQLErrors(await t.gql(billingMutation, { token: operator, variables: { input: { period: '2026-11' } } }));
    expect(run.runElectricityBilling.run).toEqual({ period: '2026-11', billsIssued: 2 });

    // The bill appears tomorrow: nothing is mailed today, whatever the job does meanwhile.
    await sleep(2_500);
    expect(billMails()).toHaveLength(0);
    expect((await accountAs(customer.token, customerAccountId)).bill2026_11).toBeNull();

    t.clock.set('2026-12-07T08:00:00Z');
    const subject = billMailSubject('2026-11', '10987654');
    const mail = await t.mailbox.waitFor(customer.email, (candidate) => candidate.subject.startsWith('Рахунок за'), 15_000);
    expect(mail.subject).toBe(subject);

    const { bill2026_11: bill } = await accountAs(customer.token, customerAccountId);
    expect(bill).toBeTruthy();
    expect(mail.text).toContain(bill.receiptCode);

    const attachments = mail.parsed.attachments;
    expect(attachments).toHaveLength(1);
    const [attachment] = attachments;
    expect(attachment!.contentType).toBe('application/pdf');
    expect(attachment!.filename).toBe('bill-2026-11.pdf');
    const pdf = attachment!.content;
    const text = pdfText(pdf);
    expect(text).toContain('Рахунок за електроенергію');
    expect(text).toContain('Ковальчук Ірина Петрівна');
    expect(text).toContain('10987654');
    expect(text).toContain(bill.receiptCode);
    expect(text).toContain('листопад 2026');
    expect(text).toContain(printedDue(bill.amountDue.amount));
    for (const share of pdfPageInk(pdf)) expect(share).toBeGreaterThan(0.02);

    // The attachment is the bill's PDF, byte for byte, as its link serves it.
    const downloaded = await download(bill.pdfUrl);
    expect(downloaded.status).toBe(200);
    expect(downloaded.body.equals(pdf)).toBe(true);

    // The confirmed second address gets the demo account's bill.
    const demoBill = (await accountAs(demoToken, demoAccountId)).bill2026_11;
    const demoMail = await t.mailbox.waitFor(paperAddress, (candidate) => candidate.subject.startsWith('Рахунок за'), 15_000);
    expect(demoMail.subject).toBe(billMailSubject('2026-11', '10234567'));
    expect(pdfText(demoMail.parsed.attachments[0]!.content)).toContain(demoBill.receiptCode);

    // Several job cycles later each bill has gone out once, to its subscriber only.
    await sleep(4_000);
    expect(mailsTo(customer.email, subject)).toHaveLength(1);
    expect(mailsTo(paperAddress, billMailSubject('2026-11', '10234567'))).toHaveLength(1);
    expect(billMails().map((candidate: CapturedMail) => candidate.to)).toEqual(
      expect.arrayContaining([[customer.email.toLowerCase()], [paperAddress.toLowerCase()]]),
    );
    expect(billMails()).toHaveLength(2);
    expect(mailsTo(demoLogins.demo.email).filter((candidate) => candidate.subject.startsWith('Рахунок за'))).toHaveLength(0);
  });

  it('unsubscribes an account whose bills were mailed', async () => {
    const unsubscribed = await t.gql(unsubscribeMutation, { token: customer.token, variables: { input: { accountId: customerAccountId } } });
    expect(unsubscribed.errors, JSON.stringify(unsubscribed.errors)).toBeUndefined();
    expect(unsubscribed.data?.unsubscribeElectricityEReceipts).toEqual({ subscription: null });
    expect((await accountAs(customer.token, customerAccountId)).eReceipts).toBeNull();
  });

  it('sends December\'s bills to nobody: not after unsubscribing, not to an address not yet confirmed', async () => {
    // The demo holder moves bills to a new address and does not confirm it.
    const pending = expectNoGraphQLErrors(
      await t.gql(subscribeMutation, { token: demoToken, variables: { input: { accountId: demoAccountId, email: unconfirmedAddress } } }),
    );
    expect(pending.subscribeElectricityEReceipts.subscription).toMatchObject({ email: unconfirmedAddress, status: 'PENDING', activatedAt: null });
    await t.mailbox.waitFor(unconfirmedAddress, (candidate) => candidate.subject === 'Підтвердіть адресу для електронних рахунків');

    // December's billing (estimates: no readings came), after January's window; issued on 7 January.
    t.clock.set('2027-01-06T08:00:00Z');
    const operator = await loginAs(t, demoLogins.kyivOperator);
    const run = expectNoGraphQLErrors(await t.gql(billingMutation, { token: operator, variables: { input: { period: '2026-12' } } }));
    expect(run.runElectricityBilling.run).toEqual({ period: '2026-12', billsIssued: 2 });
    t.clock.set('2027-01-07T08:00:00Z');
    expect((await accountAs(customer.token, customerAccountId)).bill2026_12).toMatchObject({ receiptCode: expect.any(String) });
    expect((await accountAs(demoToken, demoAccountId)).bill2026_12).toMatchObject({ receiptCode: expect.any(String) });

    await sleep(4_000);
    const billMailsTo = (address: string) => mailsTo(address).filter((mail) => mail.subject.startsWith('Рахунок за')).map((mail) => mail.subject);
    expect(billMailsTo(unconfirmedAddress)).toEqual([]);
    expect(billMailsTo(paperAddress)).toEqual([billMailSubject('2026-11', '10234567')]);
    expect(billMailsTo(customer.email)).toEqual([billMailSubject('2026-11', '10987654')]);
  });

  it('unlinks an account whose bills were mailed, and its e-receipts end with it', async () => {
    const unlinked = await t.gql(`mutation Unlink($input: AccountIdInput!) { unlinkElectricityAccount(input: $input) { accountId } }`, {
      token: demoToken,
      variables: { input: { accountId: demoAccountId } },
    });
    expect(unlinked.errors, JSON.stringify(unlinked.errors)).toBeUndefined();
    expect(unlinked.data?.unlinkElectricityAccount).toEqual({ accountId: demoAccountId });
    const me = expectNoGraphQLErrors(await t.gql(`{ me { electricityAccounts { accountNumber } } }`, { token: demoToken }));
    expect(me.me.electricityAccounts).toEqual([{ accountNumber: '46-208311' }]);
    // The supplier's operator sees the released account without a subscription.
    const operator = await loginAs(t, demoLogins.kyivOperator);
    expect((await accountAs(operator, demoAccountId)).eReceipts).toBeNull();
  });
});
