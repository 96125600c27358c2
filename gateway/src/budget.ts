import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import type { CostLimits, Logger } from '@kabinet/config';
import { DomainError, type Locale, type Translations } from '@kabinet/errors';
import { createRateLimits, encodeCostReport, type BudgetReport, type CostReport, type PointsState, type RateLimits, type Spending } from '@kabinet/rate-limits';
import type { ApolloGateway } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { LRUCache } from 'lru-cache';
import { callerOf, type Caller, type ClientKinds } from './caller';
import type { GatewayContext } from './context';
import { rememberedOperationCost } from './cost';
import { limitRefusalCode } from './limits';
import { answersPerRequest } from './subgraph-source';

/** The budgets an operation is charged to: the customer's always, the client's when a token proves one (caller.ts). */
export type BudgetName = 'customer' | 'client';

export interface BudgetOptions extends CostLimits {
  /** Budgets in Redis, shared by every gateway replica; unset: in this process's memory. */
  redisUrl: string | undefined;
  logger: Logger;
}

/** Redis keys: `kabinet:cost:<customer|client>:<key>`. */
const keyPrefix = 'kabinet:cost';

/** The client's is `null` for a caller without a token-proven client: it has no client budget. */
type BudgetStates = { customer: PointsState; client: PointsState | null };
/** A refusal names the budget that could not pay, and where it stands. */
type Charge = { granted: true; states: BudgetStates } | { granted: false; refusedBy: BudgetName; refusing: PointsState; states: BudgetStates };

/** Where a budget stood in the store's last answer to this process. */
interface HeardState {
  remaining: number;
  /** When its window ends (epoch ms): it is full again then, and what was heard says nothing. */
  endsAt: number;
}

/** Budgets this process remembers hearing of: the callers active in the last window, at most. */
const heardBudgets = 100_000;

/** The customer's and the client's budgets, in memory or in Redis. */
export class Budgets {
  readonly limits: CostLimits;
  private readonly points: RateLimits<BudgetName>;
  private readonly heard = new LRUCache<string, HeardState>({ max: heardBudgets });
  /** Points asked of each budget whose answer has not come yet. */
  private readonly unanswered = new Map<string, number>();

  /** `points`: the store itself, for tests; by default from `redisUrl`. */
  constructor({ redisUrl, logger, ...limits }: BudgetOptions, points?: RateLimits<BudgetName>) {
    this.limits = limits;
    const window = limits.windowSeconds;
    this.points =
      points ??
      createRateLimits(
        redisUrl,
        { customer: { points: limits.perCustomer, duration: window }, client: { points: limits.perClient, duration: window } },
        { keyPrefix, onRedisError: (error) => logger.warn({ err: error }, 'query budgets: Redis unreachable') },
      );
  }

  /**
   * Takes `cost` from the caller's budgets, or from none when one of them cannot pay it. Both are
   * asked at once (one round trip to Redis, not two in turn, on every request); a budget that
   * paid gets its points back when the other refused or could not be asked.
   */
  async charge(caller: Caller, cost: number): Promise<Charge> {
    const { customerKey, clientKey } = caller;
    const [customerOutcome, clientOutcome] = await Promise.allSettled([
      this.spend('customer', customerKey, cost),
      clientKey === null ? null : this.spend('client', clientKey, cost),
    ]);
    const refundCustomer = () => this.points.refund('customer', customerKey, cost);
    const refundClient = () => this.points.refund('client', clientKey!, cost);
    if (customerOutcome.status === 'rejected' || clientOutcome.status === 'rejected') {
      // The request will not run (503): what was taken goes back, as after a refusal.
      const took = (outcome: PromiseSettledResult<Spending | null>) => outcome.status === 'fulfilled' && outcome.value?.granted === true;
      await Promise.all([took(customerOutcome) && refundCustomer(), took(clientOutcome) && refundClient()]);
      throw customerOutcome.status === 'rejected' ? customerOutcome.reason : (clientOutcome as PromiseRejectedResult).reason;
    }
    const customer = customerOutcome.value;
    const client = clientOutcome.value;
    const givenBack = (state: PointsState): PointsState => ({ ...state, used: state.used - cost, remaining: state.remaining + cost });
    if (!customer.granted) {
      if (client?.granted) await refundClient();
      const clientState = client ? (client.granted ? givenBack(client.state) : client.state) : null;
      return { granted: false, refusedBy: 'customer', refusing: customer.state, states: { customer: customer.state, client: clientState } };
    }
    if (client === null) return { granted: true, states: { customer: customer.state, client: null } };
    if (client.granted) return { granted: true, states: { customer: customer.state, client: client.state } };
    await refundCustomer();
    return { granted: false, refusedBy: 'client', refusing: client.state, states: { customer: givenBack(customer.state), client: client.state } };
  }

  /**
   * Whether an operation of `cost` may run before its charge is answered: by the store's last answer
   * to this process, less what this process has asked since, each of the caller's budgets can pay it
   * and still the dearest operation allowed. Other replicas spend the same budgets meanwhile; that
   * margin is theirs. Without an answer in the current window, no.
   */
  mayRunAhead(caller: Caller, cost: number): boolean {
    return this.hasRoom('customer', caller.customerKey, cost) && (caller.clientKey === null || this.hasRoom('client', caller.clientKey, cost));
  }

  private hasRoom(budget: BudgetName, key: string, cost: number): boolean {
    const id = `${budget}:${key}`;
    const heard = this.heard.get(id);
    if (!heard || heard.endsAt <= Date.now()) return false;
    return heard.remaining - (this.unanswered.get(id) ?? 0) - cost >= this.limits.maxOperationCost;
  }

  /** Spends from one budget, and remembers where the answer says it stands (`mayRunAhead`). */
  private async spend(budget: BudgetName, key: string, cost: number): Promise<Spending> {
    const id = `${budget}:${key}`;
    this.unanswered.set(id, (this.unanswered.get(id) ?? 0) + cost);
    try {
      const spending = await this.points.spend(budget, key, cost);
      this.heard.set(id, { remaining: spending.state.remaining, endsAt: Date.now() + spending.state.resetInMs });
      return spending;
    } catch (error) {
      this.heard.delete(id);
      throw error;
    } finally {
      const left = this.unanswered.get(id)! - cost;
      if (left > 0) this.unanswered.set(id, left);
      else this.unanswered.delete(id);
    }
  }

  async peek(caller: Caller): Promise<BudgetStates> {
    const [customer, client] = await Promise.all([this.points.peek('customer', caller.customerKey), this.peekClient(caller)]);
    return { customer, client };
  }

  private async peekClient(caller: Caller): Promise<PointsState | null> {
    return caller.clientKey === null ? null : this.points.peek('client', caller.clientKey);
  }

  close(): Promise<void> {
    return this.points.close();
  }
}

const messages = {
  tooExpensive: (cost: number, max: number): Translations => ({
    en: `Query is too expensive: it costs ${cost} points, an operation may cost at most ${max}.`,
    uk: `Запит задорогий: він коштує ${cost} балів, а операція може коштувати щонайбільше ${max}.`,
    ru: `Запрос слишком дорогой: он стоит ${cost} баллов, а операция может стоить не больше ${max}.`,
  }),
  overBudget: (budget: BudgetName, seconds: number): Translations =>
    budget === 'customer'
      ? {
          en: `Your query budget is spent. Try again in ${seconds} s.`,
          uk: `Ваш бюджет запитів вичерпано. Спробуйте знову за ${seconds} с.`,
          ru: `Ваш бюджет запросов исчерпан. Попробуйте снова через ${seconds} с.`,
        }
      : {
          en: `This application's query budget is spent. Try again in ${seconds} s.`,
          uk: `Бюджет запитів цього застосунку вичерпано. Спробуйте знову за ${seconds} с.`,
          ru: `Бюджет запросов этого приложения исчерпан. Попробуйте снова через ${seconds} с.`,
        },
};

const budgetReport = (state: PointsState, now: number): BudgetReport => ({
  limit: state.limit,
  used: state.used,
  remaining: state.remaining,
  resetAt: new Date(now + state.resetInMs).toISOString(),
});

/**
 * GitHub's rate-limit headers, for the tighter budget: its limit, what is used and left, when it
 * resets (Unix seconds), and which one it is. Without a client budget, the customer's.
 */
function rateLimitHeaders(report: CostReport): [string, string][] {
  // The budget a client runs out of first: the one with fewer points left.
  const name = report.client && report.client.remaining < report.customer.remaining ? 'client' : 'customer';
  const budget = report[name]!;
  return [
    ['x-ratelimit-limit', String(budget.limit)],
    ['x-ratelimit-remaining', String(budget.remaining)],
    ['x-ratelimit-used', String(budget.used)],
    ['x-ratelimit-reset', String(Math.ceil(Date.parse(budget.resetAt) / 1000))],
    ['x-ratelimit-resource', name],
  ];
}

/** Refused before anything ran: RATE_LIMITED with 429 and when to come back (seconds), in the body and in `Retry-After`. */
function overBudgetResponse(budget: BudgetName, state: PointsState, locale: Locale): GraphQLResponse {
  const retryAfter = Math.max(Math.ceil(state.resetInMs / 1000), 1);
  // `retryAfterSeconds` as well: the login limits' RATE_LIMITED says it so, and a client may already read it.
  const extensions = { code: 'RATE_LIMITED', budget, retryAfter, retryAfterSeconds: retryAfter };
  return {
    http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) },
    body: { kind: 'single', singleResult: { errors: [{ message: messages.overBudget(budget, retryAfter)[locale], extensions }] } },
  };
}

/**
 * The budgets' store (Redis) failed: nothing is run uncharged, as the login limits do, but the client
 * is told it is a passing outage rather than an internal error.
 */
function budgetsUnavailableResponse(locale: Locale): GraphQLResponse {
  const message = {
    en: 'Query budgets cannot be checked right now. Try again shortly.',
    uk: 'Зараз неможливо перевірити бюджет запитів. Спробуйте трохи згодом.',
    ru: 'Сейчас невозможно проверить бюджет запросов. Попробуйте чуть позже.',
  }[locale];
  return {
    http: { status: 503, headers: new HeaderMap([['retry-after', '5']]) },
    body: { kind: 'single', singleResult: { errors: [{ message, extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'BUDGETS_UNAVAILABLE' } }] } },
  };
}

/**
 * Variables that do not fit their definitions cannot be priced: refused as execution would refuse
 * them, with graphql-js' words. Anything else stays an internal error. (By name: graphql-query-complexity
 * may raise it from another copy of graphql than ours.)
 */
function unpriceable(error: unknown): unknown {
  if (!(error instanceof Error) || error.name !== 'GraphQLError') return error;
  return new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

/** The next turn of the event loop: the subgraph calls a query plan starts with have been written by then. */
const afterFirstCallsGoOut = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Prices every operation (cost.ts) once its document is resolved, refuses one over the per-operation
 * maximum, charges the rest to the customer's budget and, for a token-proven client, the client's
 * (or refuses it with RATE_LIMITED), and tells the cost and the budgets on every response:
 * `extensions.cost` and `X-RateLimit-*` headers.
 *
 * A query runs ahead of its charge when the budgets surely have room for it (`Budgets.mayRunAhead`):
 * the charge goes to Redis while the subgraphs work, not before them, and its answer is held until
 * the charge is answered (`holdingAnswersForCharges`). Should the charge be refused after all (another
 * replica spent the budget in the same instant) or fail, the caller gets the same refusal as one
 * charged first; only the subgraphs' work was done. Mutations, near-spent budgets and operations
 * asking for `rateLimitInfo` (the subgraph answers it from the charge) are always charged first.
 */
export function queryBudgets(budgets: Budgets, clients: ClientKinds, logger: Logger): ApolloServerPlugin<GatewayContext> {
  const { maxOperationCost } = budgets.limits;
  return {
    async requestDidStart({ contextValue, request }) {
      const caller = callerOf(clients, contextValue.viewer, contextValue.clientIp, (name) => request.http?.headers.get(name));
      if (contextValue.facts) Object.assign(contextValue.facts, { client: caller.client, clientVersion: caller.clientVersion });
      let requested = 0;
      let charged = 0;
      // Told as instants once, when read: the extensions and `rateLimitInfo` name the same reset time.
      let budgetsNow: Pick<CostReport, BudgetName> | undefined;
      const settle = (states: BudgetStates) => {
        const now = Date.now();
        budgetsNow = { customer: budgetReport(states.customer, now), client: states.client && budgetReport(states.client, now) };
      };
      const report = (): CostReport => ({ requested, charged, maxOperationCost, ...budgetsNow! });

      /** Charges what was priced: the refusal to answer with, or `null` when the operation may run. */
      const charge = async ({ ahead }: { ahead: boolean }): Promise<GraphQLResponse | null> => {
        const outcome = await budgets.charge(caller, requested).catch((error: unknown) => {
          logger.error({ err: error }, 'query budgets unavailable');
          return null;
        });
        const { facts } = contextValue;
        if (ahead && facts) facts.chargedAhead = !outcome ? 'unavailable' : outcome.granted ? 'granted' : 'refused';
        if (!outcome) return budgetsUnavailableResponse(contextValue.locale);
        settle(outcome.states);
        if (!outcome.granted) {
          if (facts) facts.rateLimited = outcome.refusedBy;
          return overBudgetResponse(outcome.refusedBy, outcome.refusing, contextValue.locale);
        }
        charged = requested;
        contextValue.costReportHeader = encodeCostReport(report());
        return null;
      };

      return {
        async didResolveOperation({ operation, document, request: { variables }, schema }) {
          if (!operation) return;
          try {
            requested = rememberedOperationCost({ schema, document, operationName: operation.name?.value, variables });
          } catch (error) {
            throw unpriceable(error);
          }
          if (requested > maxOperationCost) {
            throw new DomainError(limitRefusalCode, messages.tooExpensive(requested, maxOperationCost), { cost: requested, maxOperationCost }, 400);
          }
        },

        // After every check of didResolveOperation passed, right before execution: only what runs is charged.
        async responseForOperation({ operation, source }): Promise<GraphQLResponse | null> {
          const runsAhead = operation.operation === 'query' && source !== undefined && !answersPerRequest(source) && budgets.mayRunAhead(caller, requested);
          if (!runsAhead) return charge({ ahead: false });
          contextValue.chargedAhead = afterFirstCallsGoOut().then(() => charge({ ahead: true }));
          return null;
        },

        async willSendResponse({ response }) {
          await contextValue.chargedAhead;
          // Refused before it was priced or charged (parse, validation, too expensive): the budgets as they stand.
          if (!budgetsNow) {
            const states = await budgets.peek(caller).catch((error: unknown) => {
              logger.error({ err: error }, 'query budgets unavailable');
            });
            if (!states) return;
            settle(states);
          }
          const cost = report();
          if (response.body?.kind === 'single') {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, cost };
          }
          for (const [name, value] of rateLimitHeaders(cost)) response.http.headers.set(name, value);
          if (contextValue.facts) contextValue.facts.cost = cost;
        },
      };
    },
  };
}

/**
 * The gateway's executor, made to hold the answer of a query that ran ahead of its charge
 * (queryBudgets) until the charge is answered, and to answer the refusal instead when it was refused
 * or could not be made: status, headers and errors as a refusal before running (Apollo Server takes
 * an error's `extensions.http` for the response's).
 */
export function holdingAnswersForCharges(gateway: ApolloGateway): void {
  const execute = gateway.executor;
  gateway.executor = async (requestContext) => {
    const result = await execute(requestContext);
    const refusal = await (requestContext.context as Partial<GatewayContext>).chargedAhead;
    if (!refusal || refusal.body.kind !== 'single') return result;
    const errors = refusal.body.singleResult.errors ?? [];
    return { errors: errors.map((error) => new GraphQLError(error.message, { extensions: { ...error.extensions, http: refusal.http } })) };
  };
}
