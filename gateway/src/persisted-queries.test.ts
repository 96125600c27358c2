import { createHash, randomUUID } from 'node:crypto';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apqCache, readClientManifests, warmQueryPlans } from './persisted-queries';
import { readSupergraphSdl } from './supergraph';

const clients = readClientManifests();

describe('query plans of manifest operations', () => {
  const servers: ApolloServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop();
  });

  /** A gateway over the checked-in supergraph whose subgraphs answer nothing: only planning matters here. */
  async function startedGateway() {
    process.env.APOLLO_TELEMETRY_DISABLED = 'true';
    const silent: GraphQLDataSource = { process: async () => ({ data: null }) };
    const gateway = new ApolloGateway({ supergraphSdl: readSupergraphSdl(), buildService: () => silent });
    const server = new ApolloServer({ gateway });
    servers.push(server);
    await server.start();
    const planning = gateway as unknown as { queryPlanner: { buildQueryPlan(...args: unknown[]): unknown }; queryPlanStore: { get(key: string): Promise<unknown> } };
    return { gateway, server, plans: vi.spyOn(planning.queryPlanner, 'buildQueryPlan'), store: planning.queryPlanStore };
  }

  const operations = new Map(clients.flatMap((client) => client.manifest.operations.map((operation) => [operation.id, operation] as const)));
  const withoutVariables = [...operations.values()].filter((operation) => !operation.body.includes('$'));

  it('are planned on first use when not warmed', async () => {
    const { server, plans } = await startedGateway();
    const dashboard = withoutVariables.find((operation) => operation.name === 'Dashboard')!;
    await server.executeOperation({ query: dashboard.body, operationName: 'Dashboard' });
    expect(plans).toHaveBeenCalledTimes(1);
    await server.executeOperation({ query: dashboard.body, operationName: 'Dashboard' });
    expect(plans).toHaveBeenCalledTimes(1);
  });

  it('are all in the plan store after warming, and a first request plans nothing', async () => {
    const { gateway, server, plans, store } = await startedGateway();
    expect(await warmQueryPlans(gateway, clients)).toBe(operations.size);
    expect(operations.size).toBeGreaterThanOrEqual(20);
    for (const { id, name } of operations.values()) {
      expect(await store.get(id), name).toBeDefined();
      expect(await store.get(createHash('sha256').update(id).update(name).digest('hex')), name).toBeDefined();
    }
    plans.mockClear();
    expect(withoutVariables.length).toBeGreaterThanOrEqual(2);
    for (const { body, name } of withoutVariables) {
      await server.executeOperation({ query: body, operationName: name });
      await server.executeOperation({ query: body });
    }
    expect(plans).not.toHaveBeenCalled();
  });
});

describe("APQ's cache", () => {
  it('is shared through Redis by every gateway that has REDIS_URL', async () => {
    const namespace = `kabinet-pq-test-${randomUUID()}`;
    const caches = [apqCache('redis://127.0.0.1:6379', namespace), apqCache('redis://127.0.0.1:6379', namespace)];
    const servers = caches.map((cache) => new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'world' } }, persistedQueries: cache.options }));
    try {
      for (const server of servers) await server.start();
      const query = `{ hello } # ${namespace}`;
      const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
      const result = async (server: ApolloServer, request: object) => {
        const response = await server.executeOperation(request);
        return response.body.kind === 'single' ? response.body.singleResult : undefined;
      };
      expect((await result(servers[1]!, { extensions: { persistedQuery } }))?.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect((await result(servers[0]!, { query, extensions: { persistedQuery } }))?.data).toEqual({ hello: 'world' });
      // Registered through the first, answered by the second from the hash alone.
      // Apollo Server stores it without waiting: it reaches Redis soon, not at once (vitest's 1 s default is a fast machine's soon).
      await vi.waitFor(async () => expect((await result(servers[1]!, { extensions: { persistedQuery } }))?.data).toEqual({ hello: 'world' }), { timeout: 10_000 });
    } finally {
      for (const server of servers) await server.stop();
      for (const cache of caches) await cache.close();
    }
  });

  it('is in memory without REDIS_URL', () => {
    expect(apqCache(undefined).options).toEqual({});
  });
});
