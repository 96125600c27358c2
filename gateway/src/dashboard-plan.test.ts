import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { operationFromDocument } from '@apollo/federation-internals';
import { ApolloServer } from '@apollo/server';
import { repoRoot } from '@kabinet/config';
import { parse } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedRootFieldsOf, readSupergraphSdl } from './supergraph';

interface PlanNode {
  kind: string;
  serviceName?: string;
  nodes?: PlanNode[];
}

/**
 * The Dashboard's query plan, from the gateway's own planner over the checked-in supergraph.
 * Every subgraph answers its own part of `me`, so the gateway need not wait for identity to
 * name the login before asking the others: one round of calls, not two.
 */
describe("the Dashboard's query plan", () => {
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const silent: GraphQLDataSource = { process: async () => ({ data: null }) };
  const gateway = new ApolloGateway({ supergraphSdl: readSupergraphSdl(), buildService: () => silent });
  const server = new ApolloServer({ gateway });
  afterAll(() => server.stop());

  it('asks identity, electricity, heat and payments at once, each for its part of me', async () => {
    await server.start();
    const planning = gateway as unknown as { apiSchema: Parameters<typeof operationFromDocument>[0]; queryPlanner: { buildQueryPlan(operation: unknown): { node?: PlanNode } } };
    const dashboard = parse(readFileSync(path.join(repoRoot, 'schema/operations/Dashboard.graphql'), 'utf8'));
    const { node } = planning.queryPlanner.buildQueryPlan(operationFromDocument(planning.apiSchema, dashboard));
    expect(node?.kind).toBe('Parallel');
    expect(node!.nodes!.map((fetch) => [fetch.kind, fetch.serviceName]).sort()).toEqual([
      ['Fetch', 'electricity'],
      ['Fetch', 'heat'],
      ['Fetch', 'identity'],
      ['Fetch', 'payments'],
    ]);
  });

  it('knows me as the one root field the subgraphs share', () => {
    expect([...sharedRootFieldsOf(readSupergraphSdl())]).toEqual(['me']);
  });
});
