import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { DemoBankApp, NotConnected, nextReadings, type AccountForReadings, type BankAnswer } from './bank-app';

/*
 * `corepack pnpm demo:bank`, with `pnpm start` running: Demo Bank asks a customer's consent, shows
 * their balances, submits a reading, starts a payment, and keeps reading until the customer
 * revokes it (`revokeAppAuthorization(clientId: "demo-bank")`, or changes the password).
 */

const kabinetUrl = (process.env.PUBLIC_URL ?? 'http://localhost:4000').replace(/\/+$/, '');
const bank = new DemoBankApp({ kabinetUrl });
const callback = new URL(bank.redirectUri);

const budgetLine = (answer: BankAnswer) =>
  answer.cost ? `cost ${answer.cost.requested}; left: customer ${answer.cost.customer.remaining}/${answer.cost.customer.limit}, Demo Bank ${answer.cost.client ? `${answer.cost.client.remaining}/${answer.cost.client.limit}` : '-'}` : 'no cost reported';

function refusal(answer: BankAnswer): string | null {
  const [error] = answer.errors ?? [];
  return error ? `${error.extensions?.code ?? 'ERROR'}${error.extensions?.reason ? ` ${error.extensions.reason}` : ''}: ${error.message}` : null;
}

async function play(): Promise<void> {
  const dashboard = await bank.call('Dashboard');
  console.log(refusal(dashboard) ?? 'Balances:');
  for (const account of [...(dashboard.data?.me?.electricityAccounts ?? []), ...(dashboard.data?.me?.heatAccounts ?? [])]) {
    console.log(`  ${account.accountNumber}: ${account.balance.amount} ${account.balance.currency}`);
  }
  console.log(`  (${budgetLine(dashboard)})`);

  const meters = await bank.call<{ me: { electricityAccounts: AccountForReadings[]; heatAccounts: AccountForReadings[] } }>('Meters');
  const open = meters.data?.me.electricityAccounts.find((account) => account.readingWindow.isOpen && account.meters.length);
  if (open) {
    const submitted = await bank.call('SubmitElectricityReading', { input: { accountId: open.id, readings: nextReadings(open) } });
    console.log(refusal(submitted) ?? `Reading submitted for ${open.accountNumber}: ${JSON.stringify(submitted.data.submitElectricityReadings.readings)}`);
  } else {
    console.log('No electricity reading window is open today: no reading submitted.');
  }

  const payable = dashboard.data?.me?.electricityAccounts?.[0];
  if (payable) {
    const input = {
      items: [{ utility: 'ELECTRICITY', accountId: payable.id, amount: '100.00' }],
      provider: 'LIQPAY',
      idempotencyKey: randomUUID(),
      returnUrl: `${kabinetUrl}/payments/return`,
    };
    const checkout = await bank.call('PayBills', { input });
    console.log(refusal(checkout) ?? `Checkout ${checkout.data.createCheckout.status}: pay 100.00 UAH for ${payable.accountNumber} at ${checkout.data.createCheckout.paymentUrl}`);
  }
}

/** Reads the Dashboard every 5 s, refreshing the token as it goes, until Kabinet says no. */
async function watch(): Promise<never> {
  for (;;) {
    await sleep(5_000);
    const answer = await bank.call('Dashboard');
    const refused = refusal(answer);
    if (refused) {
      console.log(`Demo Bank lost access: ${refused}`);
      await bank.refresh().then(
        () => console.log('a refresh still worked (unexpected)'),
        (error: unknown) => console.log(`refresh refused: ${error instanceof NotConnected ? error.error : String(error)}`),
      );
      process.exit(0);
    }
    console.log(`Demo Bank still sees ${answer.data.me.email} (${budgetLine(answer)})`);
    await bank.refresh();
  }
}

const link = bank.authorizationUrl();
const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', callback);
  if (url.pathname !== callback.pathname) {
    res.writeHead(404).end();
    return;
  }
  server.close();
  try {
    await bank.connect(url);
  } catch (error) {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(`Demo Bank: not connected (${error instanceof NotConnected ? error.error : error}).`);
    console.log(String(error));
    process.exit(1);
  }
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('Demo Bank is connected to your Kabinet. You can close this tab.');
  console.log(`Connected with scopes: ${bank.tokens!.scope}`);
  await play();
  await watch();
});

server.listen(Number(callback.port), callback.hostname, () => {
  console.log(`Demo Bank listens on ${bank.redirectUri}. Open this link in a browser and log in as a demo customer:\n\n  ${link}\n`);
});
