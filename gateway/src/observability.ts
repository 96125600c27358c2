import type { ApolloServerPlugin } from '@apollo/server';
import { secretsMatch } from '@kabinet/auth';
import type { Logger } from '@kabinet/config';
import type { CostReport } from '@kabinet/rate-limits';
import type { Request, RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { BudgetName } from './budget';
import { anonymousClient, clientFromHeaders } from './caller';
import type { GatewayContext } from './context';
import { persistedQueryId, sha256 } from './operation-id';

/** What the gateway learns about one GraphQL request on its way: logged and counted once it is answered. */
export interface RequestFacts {
  client?: string;
  clientVersion?: string | undefined;
  operationName?: string | undefined;
  /** The persisted query's sha256 when the client sent one, else the sha256 of the document. */
  operationId?: string | undefined;
  operationType?: string | undefined;
  cost?: CostReport;
  errorCodes: string[];
  rateLimited?: BudgetName;
  /** How the charge of a query that ran ahead of it came out (budget.ts). */
  chargedAhead?: ChargeAhead;
}

/** A charge answered after its query ran: paid, refused by a budget, or not made (the store failed). */
export type ChargeAhead = 'granted' | 'refused' | 'unavailable';

const factsOfRequest = new WeakMap<Request, RequestFacts>();

/** This request's facts, for the GraphQL context: the plugins fill them in. */
export function requestFacts(req: Request): RequestFacts {
  let facts = factsOfRequest.get(req);
  if (!facts) factsOfRequest.set(req, (facts = { errorCodes: [] }));
  return facts;
}

/**
 * Client names come from a header anyone can set: a label per distinct value would let a caller
 * grow the metrics without end, or crowd out the names that matter. Only registered clients
 * (schema/clients.json) and `anonymous` have a label of their own; any other name is `other`.
 */
const otherClients = 'other';

/** The gateway's Prometheus metrics, in a registry of its own (each gateway in a process counts apart). */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly labelledClients: ReadonlySet<string>;
  private readonly requests = new Counter({
    name: 'kabinet_gateway_graphql_requests_total',
    help: 'GraphQL requests answered, by client, operation type and outcome (ok or the first error code).',
    labelNames: ['client', 'operation_type', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly cost = new Counter({
    name: 'kabinet_gateway_graphql_cost_points_total',
    help: 'Query-cost points charged to budgets, by client.',
    labelNames: ['client'] as const,
    registers: [this.registry],
  });
  private readonly rateLimited = new Counter({
    name: 'kabinet_gateway_graphql_rate_limited_total',
    help: 'Requests refused with RATE_LIMITED, by client and the budget that was spent.',
    labelNames: ['client', 'budget'] as const,
    registers: [this.registry],
  });
  private readonly chargedAhead = new Counter({
    name: 'kabinet_gateway_graphql_charged_ahead_total',
    help: 'Queries run ahead of their budget charge, by how the charge came out; refused or unavailable ones ran but were answered with the refusal.',
    labelNames: ['charge'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'kabinet_gateway_graphql_request_duration_seconds',
    help: 'Time from receiving a GraphQL request to the end of its answer, by client and operation type.',
    labelNames: ['client', 'operation_type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly subgraphCalls = new Counter({
    name: 'kabinet_gateway_subgraph_calls_total',
    help: 'Subgraph calls of query plans, by subgraph; shared="true": answered by an identical query already on its way, nothing sent.',
    labelNames: ['subgraph', 'shared'] as const,
    registers: [this.registry],
  });

  /** `clients`: the registered clients' names, each labelled as itself. */
  constructor(clients: Iterable<string>) {
    this.labelledClients = new Set([...clients, anonymousClient]);
    collectDefaultMetrics({ register: this.registry });
  }

  record(facts: RequestFacts, client: string, seconds: number): void {
    const label = this.clientLabel(client);
    const operationType = facts.operationType ?? 'unknown';
    this.requests.inc({ client: label, operation_type: operationType, outcome: facts.errorCodes[0] ?? 'ok' });
    this.duration.observe({ client: label, operation_type: operationType }, seconds);
    if (facts.cost?.charged) this.cost.inc({ client: label }, facts.cost.charged);
    if (facts.rateLimited) this.rateLimited.inc({ client: label, budget: facts.rateLimited });
    if (facts.chargedAhead) this.chargedAhead.inc({ charge: facts.chargedAhead });
  }

  /** Counts one subgraph's calls (subgraph-source.ts): sent, or shared with an identical one in flight. */
  subgraphCallCounter(subgraph: string): (shared: boolean) => void {
    const sent = this.subgraphCalls.labels({ subgraph, shared: 'false' });
    const shared = this.subgraphCalls.labels({ subgraph, shared: 'true' });
    return (wasShared) => (wasShared ? shared : sent).inc();
  }

  private clientLabel(client: string): string {
    return this.labelledClients.has(client) ? client : otherClients;
  }
}

/**
 * Mounted before the GraphQL endpoint: when the answer has gone out, one log line (never variables
 * or tokens) and the metrics, from the facts the plugins gathered and the HTTP status. Requests
 * refused before GraphQL saw them (a malformed body, an invalid token) are logged and counted too.
 */
export function requestLog(logger: Logger, metrics: GatewayMetrics): RequestHandler {
  // Its lines hold only the fields below, none of them secret: the redaction every other line
  // goes through (a walk of each line for secret fields) would be a per cent of the gateway's CPU.
  const log = logger.child({}, { redact: [] });
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const facts = requestFacts(req);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const named = clientFromHeaders((name) => req.get(name));
      const client = facts.client ?? named.client;
      metrics.record(facts, client, seconds);
      log.info(
        {
          client: { name: client, version: facts.clientVersion ?? named.clientVersion },
          operation: { name: facts.operationName, id: facts.operationId, type: facts.operationType },
          cost: facts.cost ? { requested: facts.cost.requested, charged: facts.cost.charged } : undefined,
          durationMs: Math.round(seconds * 1e5) / 100,
          status: res.statusCode,
          errors: facts.errorCodes.length > 0 ? facts.errorCodes : undefined,
          rateLimited: facts.rateLimited,
          // Only when it went wrong: the query ran, and was answered with the refusal.
          chargedAhead: facts.chargedAhead === 'granted' ? undefined : facts.chargedAhead,
        },
        'graphql request',
      );
    });
    next();
  };
}

/** Fills a request's facts from Apollo's view of it: the operation and the error codes answered. */
export function requestFactsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    // A refusal thrown before the operation runs (the safelist's, the token limit's) is answered
    // without willSendResponse: its code is taken here, or the log and the metrics would call it ok.
    async unexpectedErrorProcessingRequest({ requestContext, error }) {
      const facts = requestContext.contextValue.facts;
      if (!facts) return;
      facts.operationName ??= requestContext.request.operationName ?? undefined;
      facts.operationId ??= persistedQueryId(requestContext.request);
      facts.errorCodes = [String((error as { extensions?: { code?: unknown } }).extensions?.code ?? 'INTERNAL_SERVER_ERROR')];
    },
    async requestDidStart() {
      return {
        async didResolveSource({ contextValue, request, queryHash, source }) {
          if (!contextValue.facts) return;
          contextValue.facts.operationId = persistedQueryId(request) ?? queryHash ?? sha256(source);
        },
        async didResolveOperation({ contextValue, operation, operationName }) {
          if (!contextValue.facts) return;
          contextValue.facts.operationName = operationName ?? undefined;
          contextValue.facts.operationType = operation?.operation;
        },
        async willSendResponse({ contextValue, request, response }) {
          const facts = contextValue.facts;
          if (!facts) return;
          facts.operationName ??= request.operationName ?? undefined;
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
          facts.errorCodes = [...new Set((errors ?? []).map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
        },
      };
    },
  };
}

/**
 * `GET /metrics` in Prometheus' text format. With METRICS_TOKEN set, only for `Authorization:
 * Bearer <token>`; without one, only outside production (in production the endpoint does not exist
 * until a token is configured). It shows no customer's data, but how the service is used.
 */
export function metricsEndpoint(metrics: GatewayMetrics, options: { token: string | undefined; production: boolean }): RequestHandler {
  return async (req, res, next) => {
    if (!options.token && options.production) return next();
    if (options.token) {
      const bearer = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
      if (!secretsMatch(options.token, bearer)) {
        res.status(401).set('www-authenticate', 'Bearer').json({ error: 'a bearer token is required' });
        return;
      }
    }
    res.set('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}
