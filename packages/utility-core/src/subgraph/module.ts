import { eventsSecret, subgraphSecret } from '@kabinet/auth';
import { startOutboxRelay } from '@kabinet/events';
import { createMailer } from '@kabinet/mail';
import { createRateLimits } from '@kabinet/rate-limits';
import { every, requireGateway, type SubgraphModule, type SubgraphResolvers, type SubgraphRuntime } from '@kabinet/subgraph';
import type { SubgraphName } from '@kabinet/config';
import type { IRules } from 'graphql-shield';
import { createAppeals } from '../appeals';
import type { UtilityRules } from '../billing/run';
import { createEReceipts } from '../bills/e-receipts';
import { billFilesRouter, billPdfLinks } from './bill-files';
import { cabinetPermissions, cabinetResolvers } from './cabinet';
import { utilityTypeDefs, type UtilityNames } from './cabinet-sdl';
import { utilityContextFactory, type UtilityServices } from './context';
import { registryRouter } from './registry-route';
import { utilityEventConsumer } from './events';
import { createLinkingService } from '../linking/service';
import { anonymousReadingPolicies, createReadingsService } from '../readings/service';
import type { UtilityTables } from '../tables';

export interface UtilitySubgraphSpec {
  name: SubgraphName;
  /** How the cabinet is named for this utility (`HeatAccount`, `linkHeatAccount`, ...). */
  names: UtilityNames;
  /** The subgraph's own SDL: the `@link` to federation and what only this utility has. */
  ownSdlFile: URL;
  migrationsFolder: string;
  tables: UtilityTables;
  rules: UtilityRules;
  /**
   * Resolvers and shield rules of what only this utility has (its own root fields and types):
   * resolvers typed with the subgraph's own generated `Resolvers` (`src/generated/`).
   */
  ownResolvers?: SubgraphResolvers;
  ownPermissions?: Record<string, unknown>;
  seedDemo?(runtime: SubgraphRuntime): Promise<void>;
}

// Plain objects only: a scalar (`GraphQLScalarType`) or a rule is replaced, never taken apart.
const isFieldMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/** Two maps of type → fields, the second's fields added to (or replacing) the first's. */
function merged<T>(base: Record<string, T>, extra: Record<string, T> = {}): Record<string, T> {
  const result = { ...base };
  for (const [type, fields] of Object.entries(extra)) {
    const current = result[type];
    result[type] = isFieldMap(current) && isFieldMap(fields) ? { ...current, ...fields } : fields;
  }
  return result;
}

/** A utility subgraph's SDL, resolvers and shield rules: the shared cabinet named for it, plus its own. */
export function utilitySchemaParts(spec: Pick<UtilitySubgraphSpec, 'names' | 'ownSdlFile' | 'ownResolvers' | 'ownPermissions'>) {
  return {
    typeDefs: utilityTypeDefs(spec.ownSdlFile, spec.names),
    resolvers: merged(cabinetResolvers(spec.names), spec.ownResolvers),
    permissions: merged(cabinetPermissions(spec.names), spec.ownPermissions) as IRules,
  };
}

/**
 * A utility subgraph (electricity, heat) from the shared core plus its own SDL, rules and root
 * fields: services built once, the internal events endpoint, bill files behind signed links,
 * and the e-receipt job.
 */
export function utilitySubgraphModule(spec: UtilitySubgraphSpec): SubgraphModule {
  const parts = utilitySchemaParts(spec);
  return {
    name: spec.name,
    typeDefs: parts.typeDefs,
    migrationsFolder: spec.migrationsFolder,
    seedDemo: spec.seedDemo,
    create: (runtime) => {
      const { config, logger, clock } = runtime;
      const db = runtime.database.db;
      const mailer = createMailer({
        smtpUrl: config.mail.smtpUrl,
        from: config.mail.from,
        dataDir: config.dataDir,
        log: (message, fields) => logger.info(fields, message),
      });
      const limits = createRateLimits(config.redis.url, anonymousReadingPolicies, { keyPrefix: `kabinet:rl:${spec.name}` });
      // Delivers this subgraph's events (answers to payments, released accounts, bank transfers received) after commit, on a connection view of its own.
      const relay = startOutboxRelay({
        db: runtime.database.view().db,
        outbox: spec.tables.outbox,
        endpointOf: (destination) => new URL('/internal/events', runtime.subgraphUrl(destination as SubgraphName)).toString(),
        secretOf: (destination) => eventsSecret(runtime.gatewaySecret, destination),
        logger,
      });
      const services: UtilityServices = {
        db,
        tables: spec.tables,
        rules: spec.rules,
        linking: createLinkingService(db, spec.tables, { utility: spec.name, relay }),
        readings: createReadingsService(db, spec.tables, spec.rules, limits),
        eReceipts: createEReceipts({ db, tables: spec.tables, mailer, logger, utility: spec.name, wording: spec.rules, appUrl: config.mail.appUrl }),
        appeals: createAppeals(db, spec.tables),
        billLinks: billPdfLinks(runtime.gatewaySecret, spec.name),
      };
      const eReceiptJob = every(
        config.jobsIntervalSeconds,
        () => services.eReceipts.deliverDue(clock.now()),
        (error) => logger.error({ err: error }, 'e-receipt job failed'),
      );

      return {
        name: spec.name,
        typeDefs: parts.typeDefs,
        resolvers: parts.resolvers,
        permissions: parts.permissions,
        createContext: utilityContextFactory(services),
        routes: (app) => {
          app.use(
            '/internal/events',
            utilityEventConsumer({ db, tables: spec.tables, utility: spec.name, secret: eventsSecret(runtime.gatewaySecret, spec.name), logger, now: () => clock.now(), relay }),
          );
          app.use(
            '/files',
            requireGateway(subgraphSecret(runtime.gatewaySecret, spec.name)),
            billFilesRouter({ db, tables: spec.tables, links: services.billLinks, wording: spec.rules, now: () => clock.now(), logger }),
          );
          app.use(
            '/internal/registries',
            requireGateway(subgraphSecret(runtime.gatewaySecret, spec.name)),
            registryRouter({ db, tables: spec.tables, utility: spec.name, tokenKeys: runtime.tokenKeys, sessions: runtime.sessions, now: () => clock.now(), logger, relay }),
          );
        },
        dispose: async () => {
          await relay.stop();
          await eReceiptJob.stop();
          mailer.close();
          await limits.close();
        },
      };
    },
  };
}
