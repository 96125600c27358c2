import { fileURLToPath } from 'node:url';
import { eventsSecret } from '@kabinet/auth';
import type { SubgraphName } from '@kabinet/config';
import { startOutboxRelay } from '@kabinet/events';
import { validIds } from '@kabinet/db';
import { createMailer } from '@kabinet/mail';
import { every, subgraphTypeDefs, type SubgraphModule } from '@kabinet/subgraph';
import DataLoader from 'dataloader';
import { inArray } from 'drizzle-orm';
import type { IdentityContext } from './context';
import { outbox, users } from './db/schema';
import { deleteExpiredArtifacts } from './oauth/adapter';
import { oauthRoutes } from './oauth/routes';
import { permissions } from './permissions';
import { createRateLimits } from './rate-limits';
import { resolvers } from './resolvers';
import { seedIdentityDemo } from './seed';
import { revokedSessionsRoute, revokedSessionsSource } from './sessions';
import { createIdentityService, type UserRow } from './services/identity';

export const typeDefs = subgraphTypeDefs(new URL('../schema.graphql', import.meta.url));

/** Its shield rules, for tests that read every root field's declared access. */
export { permissions as identityPermissions };


export const identityModule: SubgraphModule = {
  name: 'identity',
  typeDefs,
  migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
  // Its own table, read on a connection view of its own so it never counts in request statistics.
  revokedSessions: (database, config) => revokedSessionsSource(database.view().db, config.auth.accessTokenTtlSeconds),
  create: ({ config, database, tokenKeys, logger, gatewaySecret, subgraphUrl, publicUrl }) => {
    const mailer = createMailer({
      smtpUrl: config.mail.smtpUrl,
      from: config.mail.from,
      dataDir: config.dataDir,
      log: (message, fields) => logger.info(fields, message),
    });
    const limits = createRateLimits(config.redis.url);
    // Delivers this subgraph's events (a login deactivated) to the utility subgraphs, after commit.
    const relay = startOutboxRelay({
      db: database.db,
      outbox,
      endpointOf: (destination) => new URL('/internal/events', subgraphUrl(destination as SubgraphName)).toString(),
      secretOf: (destination) => eventsSecret(gatewaySecret, destination),
      logger,
    });
    const identity = createIdentityService({ db: database.db, config, tokenKeys, mailer, limits, logger, events: relay });
    const oauthCleanup = every(config.jobsIntervalSeconds, () => deleteExpiredArtifacts(database.db), (error) => logger.error({ err: error }, 'expired OAuth artifacts not deleted'));
    return {
      name: 'identity',
      typeDefs,
      resolvers,
      permissions,
      routes: (app) => {
        revokedSessionsRoute(app, revokedSessionsSource(database.view().db, config.auth.accessTokenTtlSeconds), gatewaySecret);
        oauthRoutes(app, { db: database.db, config, tokenKeys, gatewaySecret, logger, identity, publicUrl });
      },
      createContext: (base): IdentityContext => ({
        ...base,
        identity,
        users: new DataLoader<string, UserRow | null>(async (ids) => {
          const valid = validIds(ids);
          const rows = valid.length ? await base.db.select().from(users).where(inArray(users.id, valid)) : [];
          return ids.map((id) => rows.find((row) => row.id === id) ?? null);
        }),
      }),
      dispose: async () => {
        await oauthCleanup.stop();
        await relay.stop();
        mailer.close();
        limits.close();
      },
    };
  },
  seedDemo: ({ database }) => seedIdentityDemo(database.db),
};
