import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ApolloGateway } from '@apollo/gateway';
import { operationFromDocument } from '@apollo/federation-internals';
import type { ApolloServerPlugin, GraphQLRequest, PersistedQueryOptions } from '@apollo/server';
import { KeyvAdapter } from '@apollo/utils.keyvadapter';
import type { Viewer } from '@kabinet/auth';
import { readManifest, registeredClients, type PersistedQueryManifest, type RegisteredClient } from '@kabinet/clients';
import type { FirstPartyOperations, Logger } from '@kabinet/config';
import { DomainError } from '@kabinet/errors';
import { parse, print } from 'graphql';
import { callerOf } from './caller';
import { persistedQueryId, sha256 } from './operation-id';

/** A registered client (schema/clients.json) with its checked-in manifest. */
export interface ClientManifest extends Pick<RegisteredClient, 'name' | 'kind'> {
  manifest: PersistedQueryManifest;
}

export function readClientManifests(): ClientManifest[] {
  return registeredClients().map(({ name, kind }) => ({ name, kind, manifest: readManifest(name) }));
}

/** A request refused by the safelist; raised in `requestDidStart`, where Apollo has only its "unexpected error" path. */
class PersistedQueryRefusal extends DomainError {}

// Apollo Router's safelisting codes, statuses as Kabinet documents them, Router's English wording.
const refusals = {
  notInList: (id: string) =>
    new PersistedQueryRefusal(
      'PERSISTED_QUERY_NOT_IN_LIST',
      {
        en: `Persisted query '${id}' not found in the persisted query list`,
        uk: `Збереженого запиту '${id}' немає в переліку дозволених`,
        ru: `Сохранённого запроса '${id}' нет в списке разрешённых`,
      },
      {},
      404,
    ),
  notInSafelist: () =>
    new PersistedQueryRefusal(
      'QUERY_NOT_IN_SAFELIST',
      {
        en: 'The operation body was not found in the persisted query safelist',
        uk: 'Такої операції немає в переліку дозволених запитів',
        ru: 'Такой операции нет в списке разрешённых запросов',
      },
      {},
      403,
    ),
  idRequired: () =>
    new PersistedQueryRefusal(
      'PERSISTED_QUERY_ID_REQUIRED',
      {
        en: 'This endpoint does not allow freeform GraphQL requests; operations must be sent by ID in the persisted queries GraphQL extension.',
        uk: 'Довільні запити GraphQL тут не приймаються: надсилайте ідентифікатор операції в розширенні persistedQuery.',
        ru: 'Произвольные запросы GraphQL здесь не принимаются: отправляйте идентификатор операции в расширении persistedQuery.',
      },
      {},
      400,
    ),
  idAndBody: () =>
    new PersistedQueryRefusal(
      'CANNOT_SEND_PQ_ID_AND_BODY',
      {
        en: 'Sending a persisted query ID and a body in the same request is disallowed',
        uk: 'Не можна надсилати ідентифікатор збереженого запиту і текст запиту разом',
        ru: 'Нельзя отправлять идентификатор сохранённого запроса и текст запроса вместе',
      },
      {},
      400,
    ),
} satisfies Record<string, (...args: never[]) => PersistedQueryRefusal>;

/** Bodies compared as Router compares them: formatting and comments do not count. */
function normalized(body: string): string | undefined {
  try {
    return print(parse(body));
  } catch {
    return undefined;
  }
}

interface Safelist {
  byId: Map<string, string>;
  /** Whether a text is a manifest operation once normalized. */
  allows(text: string): boolean;
}

/**
 * Texts already found in a safelist, so that the operation an app sends on every request is not
 * parsed and printed again each time. Bounded (a caller can vary the formatting without end): only
 * texts of a manifest operation's size, and at most `maxRemembered` of them.
 */
const maxRemembered = 1_000;
const maxRememberedLength = 20_000;

function safelistOf(manifests: PersistedQueryManifest[]): Safelist {
  const operations = manifests.flatMap((manifest) => manifest.operations);
  const bodies = new Set(operations.map((operation) => normalized(operation.body)!));
  const allowed = new Set<string>();
  return {
    byId: new Map(operations.map((operation) => [operation.id, operation.body])),
    allows(text) {
      if (allowed.has(text)) return true;
      if (!bodies.has(normalized(text) ?? '')) return false;
      if (text.length <= maxRememberedLength) {
        if (allowed.size >= maxRemembered) allowed.clear();
        allowed.add(text);
      }
      return true;
    },
  };
}

/** APQ's cache: shared by every gateway replica through Redis when it is configured, else in memory. */
export function apqCache(redisUrl: string | undefined, namespace = 'kabinet-apq'): { options: PersistedQueryOptions; close(): Promise<void> } {
  if (!redisUrl) return { options: {}, close: async () => {} };
  // @keyv/redis is imported by the first APQ request, not at start (a sixth of a second of every
  // start otherwise). Non-blocking: with Redis unreachable APQ misses (clients resend the text)
  // instead of failing requests.
  let connecting: Promise<{ keyv: { disconnect(): Promise<void> }; adapter: KeyvAdapter<string> }> | undefined;
  const connected = () =>
    (connecting ??= import('@keyv/redis').then(({ createKeyvNonBlocking }) => {
      const keyv = createKeyvNonBlocking(redisUrl, { namespace });
      return { keyv, adapter: new KeyvAdapter<string>(keyv) };
    }));
  const cache: NonNullable<PersistedQueryOptions['cache']> = {
    get: async (key) => (await connected()).adapter.get(key),
    set: async (key, value, options) => (await connected()).adapter.set(key, value, options),
    delete: async (key) => (await connected()).adapter.delete(key),
  };
  return { options: { cache }, close: async () => (connecting ? (await connecting).keyv.disconnect() : undefined) };
}

export interface PersistedQueriesOptions {
  firstPartyOperations: FirstPartyOperations;
  redisUrl: string | undefined;
  logger: Logger;
  clients?: ClientManifest[];
}

export interface PersistedQueries<TContext extends { viewer: Viewer | null; clientIp: string }> {
  plugin: ApolloServerPlugin<TContext>;
  /** Apollo Server's `persistedQueries` (APQ): off when first-party apps are safelisted, as Router requires. */
  apq: PersistedQueryOptions | false;
  /** Plans every manifest operation into the gateway's query plan store; gives how many. */
  warmQueryPlans(gateway: ApolloGateway): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Safelisted persisted queries (Apollo Router's rules) in front of Apollo Server's APQ. Runs in
 * `requestDidStart`, which Apollo Server calls before it looks at `extensions.persistedQuery`: a
 * manifest id is replaced here by its body and the extension removed, so APQ never answers
 * PERSISTED_QUERY_NOT_FOUND for it and a partner's request never reaches APQ at all.
 */
export function persistedQueries<TContext extends { viewer: Viewer | null; clientIp: string }>(options: PersistedQueriesOptions): PersistedQueries<TContext> {
  const clients = options.clients ?? readClientManifests();
  const partners = new Map(clients.filter((client) => client.kind === 'partner').map((client) => [client.name, safelistOf([client.manifest])]));
  const noOperations = safelistOf([]);
  const firstParty = safelistOf(clients.filter((client) => client.kind === 'first-party').map((client) => client.manifest));
  const mode = options.firstPartyOperations;
  const cache = mode === 'safelist' ? undefined : apqCache(options.redisUrl);

  const resolveTo = (request: GraphQLRequest, body: string) => {
    const { persistedQuery: _id, ...extensions } = request.extensions ?? {};
    request.query = body;
    request.extensions = extensions;
  };

  /** Router's safelisting, APQ off; with `requireId` (partners) only an id of the manifest, never text. */
  const safelisted = (request: GraphQLRequest, safelist: Safelist, requireId: boolean, id: string | undefined) => {
    if (id !== undefined && request.query !== undefined) throw refusals.idAndBody();
    if (id !== undefined) {
      const body = safelist.byId.get(id);
      if (body === undefined) throw refusals.notInList(id);
      return resolveTo(request, body);
    }
    if (requireId) throw refusals.idRequired();
    if (request.query !== undefined && !safelist.allows(request.query)) throw refusals.notInSafelist();
  };

  const plugin: ApolloServerPlugin<TContext> = {
    async requestDidStart({ request, contextValue }) {
      const id = persistedQueryId(request);
      const caller = callerOf(clients, contextValue.viewer, contextValue.clientIp, (name) => request.http?.headers.get(name));
      if (caller.kind === 'partner') return void safelisted(request, partners.get(caller.client) ?? noOperations, true, id);
      if (mode === 'safelist') return void safelisted(request, firstParty, false, id);

      // free and log-unknown: manifest ids work without registering; anything else is APQ's or free text.
      const body = id !== undefined && request.query === undefined ? firstParty.byId.get(id) : undefined;
      if (body !== undefined) return void resolveTo(request, body);
      if (mode === 'log-unknown' && !(request.query !== undefined && firstParty.allows(request.query))) {
        options.logger.warn(
          { client: caller.client, operationName: request.operationName ?? null, operationId: id ?? (request.query ? sha256(request.query) : null) },
          'operation not in any first-party manifest',
        );
      }
    },
    // A throw from `requestDidStart` reaches this hook and would become a 500; one re-thrown here is
    // answered as it is (formatError keeps a DomainError, with its HTTP status), as limits.ts does.
    async unexpectedErrorProcessingRequest({ error }) {
      if (error instanceof PersistedQueryRefusal) throw error;
    },
  };

  return {
    plugin,
    apq: cache?.options ?? false,
    warmQueryPlans: (gateway) => warmQueryPlans(gateway, clients),
    stop: async () => {
      await cache?.close();
    },
  };
}

/** The parts of ApolloGateway that plan queries (private in its types; stable through 2.x). */
interface PlanningGateway {
  apiSchema: Parameters<typeof operationFromDocument>[0];
  queryPlanner: { buildQueryPlan(operation: ReturnType<typeof operationFromDocument>, options: object): unknown };
  queryPlanStore: { set(key: string, plan: unknown): Promise<void> };
  recursiveSelectionsLimitDisabled?: boolean;
  nonLocalSelectionsLimitDisabled?: boolean;
}

/**
 * Plans every manifest operation into the gateway's query plan store, under the keys its executor
 * looks up (`queryHash`, or sha256 of `queryHash` + `operationName` when the request names its
 * operation; `queryHash` is the sha256 of the body, the manifest id), so that no client's first
 * request waits for planning. The store is cleared when the schema changes: call after `start()`.
 */
export async function warmQueryPlans(gateway: ApolloGateway, clients: ClientManifest[]): Promise<number> {
  const planning = gateway as unknown as PlanningGateway;
  const operations = new Map(clients.flatMap((client) => client.manifest.operations.map((operation) => [operation.id, operation] as const)));
  for (const { id, name, body } of operations.values()) {
    const operation = operationFromDocument(planning.apiSchema, parse(body), { operationName: name });
    const plan = planning.queryPlanner.buildQueryPlan(operation, {
      recursiveSelectionsLimitDisabled: planning.recursiveSelectionsLimitDisabled,
      nonLocalSelectionsLimitDisabled: planning.nonLocalSelectionsLimitDisabled,
    });
    await planning.queryPlanStore.set(id, plan);
    await planning.queryPlanStore.set(sha256(id + name), plan);
    // Planning is CPU work without I/O: between operations, connections opened at start (Redis)
    // and the health check get their turn instead of waiting for the last plan.
    await nextTurn();
  }
  return operations.size;
}
