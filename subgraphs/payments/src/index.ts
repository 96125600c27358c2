import { fileURLToPath } from 'node:url';
import { eventsSecret, subgraphSecret } from '@kabinet/auth';
import { sandboxLiqPayPrivateKey, type SubgraphName } from '@kabinet/config';
import { startOutboxRelay } from '@kabinet/events';
import { createMailer } from '@kabinet/mail';
import { every, requireGateway, subgraphTypeDefs, type SubgraphModule } from '@kabinet/subgraph';
import { createCheckouts } from './checkout/service';
import { createPaymentsContext } from './context';
import { outbox } from './db/schema';
import { paymentsEventConsumer } from './events';
import { permissions } from './permissions';
import { providerCallbacksRouter } from './providers/callbacks';
import { transferPageLinks, transferPagePath } from './providers/bank-transfer/links';
import { bankTransferName, bankTransferProvider } from './providers/bank-transfer/provider';
import { transferPageRouter } from './providers/bank-transfer/routes';
import { liqPayProvider } from './providers/liqpay';
import type { PaymentProvider } from './providers/provider';
import { receiptLinks } from './receipts/links';
import { mailDueReceipts } from './receipts/mail';
import { receiptFilesRouter } from './receipts/routes';
import { resolvers } from './resolvers';
import { seedPaymentsDemo } from './seed';

export const typeDefs = subgraphTypeDefs(new URL('../schema.graphql', import.meta.url));

/** Its shield rules, for tests that read every root field's declared access. */
export { permissions as paymentsPermissions };

export const paymentsModule: SubgraphModule = {
  name: 'payments',
  typeDefs,
  migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
  create: (runtime) => {
    const { config, database, logger, gatewaySecret, clock } = runtime;
    const liqpay = config.payments.liqpay;
    if (config.production && liqpay.privateKey === sandboxLiqPayPrivateKey) {
      throw new Error('LIQPAY_PRIVATE_KEY: required when NODE_ENV=production (the default key is the local sandbox one)');
    }
    const providers = new Map<string, PaymentProvider>([
      [
        'LIQPAY',
        liqPayProvider({
          keys: { publicKey: liqpay.publicKey, privateKey: liqpay.privateKey },
          checkoutUrl: liqpay.checkoutUrl,
          apiUrl: liqpay.apiUrl,
          version: liqpay.version,
          sandbox: liqpay.sandboxMode,
          // The provider calls the gateway, the one public door: read late, its address may be known only after start.
          serverUrl: () => `${runtime.publicUrl()}/callbacks/liqpay`,
        }),
      ],
      // Kabinet's own page of the suppliers' details; the token is added each time a checkout is read.
      [bankTransferName, bankTransferProvider({ pageUrl: (orderId) => `${runtime.publicUrl()}${transferPagePath(orderId)}` })],
    ]);
    // Delivers checkouts to confirm and payments to post to the utilities, after commit.
    const relay = startOutboxRelay({
      db: database.view().db,
      outbox,
      endpointOf: (destination) => new URL('/internal/events', runtime.subgraphUrl(destination as SubgraphName)).toString(),
      secretOf: (destination) => eventsSecret(gatewaySecret, destination),
      logger,
    });
    const publicOrigins = [runtime.publicUrl(), config.mail.appUrl].map((url) => new URL(url).origin);
    const checkouts = createCheckouts({
      db: database.db,
      providers,
      // Read per request: with ephemeral ports the public URL is known only once the gateway listens.
      get allowedReturnOrigins() {
        return [...new Set([new URL(runtime.publicUrl()).origin, ...publicOrigins, ...config.payments.returnOrigins])];
      },
      relay,
      now: () => clock.now(),
      confirmWaitMs: config.payments.confirmWaitMs,
      logger,
    });
    const links = receiptLinks(gatewaySecret);
    const transferLinks = transferPageLinks(gatewaySecret);
    const mailer = createMailer({
      smtpUrl: config.mail.smtpUrl,
      from: config.mail.from,
      dataDir: config.dataDir,
      log: (message, fields) => logger.info(fields, message),
    });
    const reconciliation = every(config.jobsIntervalSeconds, () => checkouts.reconcile(), (error) => logger.error({ err: error }, 'payment reconciliation failed'));
    const receiptMail = every(
      config.jobsIntervalSeconds,
      () => mailDueReceipts({ db: database.view().db, mailer, now: () => clock.now(), logger }),
      (error) => logger.error({ err: error }, 'receipt mail failed'),
    );
    return {
      name: 'payments',
      typeDefs,
      resolvers,
      permissions,
      createContext: createPaymentsContext({ checkouts, receiptLinks: links, transferLinks }),
      routes: (app) => {
        app.use('/internal/events', paymentsEventConsumer({ db: database.db, checkouts, secret: eventsSecret(gatewaySecret, 'payments'), logger }));
        app.use('/internal/providers', providerCallbacksRouter({ providers, checkouts, gatewaySecret: subgraphSecret(gatewaySecret, 'payments'), logger }));
        app.use(
          '/files',
          requireGateway(subgraphSecret(gatewaySecret, 'payments')),
          receiptFilesRouter({ db: database.db, links, now: () => clock.now(), logger }),
          transferPageRouter({ db: database.db, links: transferLinks, now: () => clock.now(), logger }),
        );
      },
      dispose: async () => {
        await relay.stop();
        await reconciliation.stop();
        await receiptMail.stop();
        mailer.close();
      },
    };
  },
  seedDemo: (runtime) => seedPaymentsDemo(runtime.database.db),
};
