import type { GraphQLResponse } from '@apollo/server';
import type { Viewer } from '@kabinet/auth';
import type { Locale } from '@kabinet/errors';
import type { RequestFacts } from './observability';

export interface GatewayContext {
  /** The caller's verified identity; `null` for anonymous requests. */
  viewer: Viewer | null;
  /** Forwarded as-is so that each subgraph verifies the token itself. */
  authorization: string | undefined;
  clientIp: string;
  /** Forwarded so that every subgraph answers in the caller's language. */
  acceptLanguage: string | undefined;
  /** The language of that header among ours: of the gateway's own errors. */
  locale: Locale;
  /** What is learnt of the request on its way, for its log line and the metrics (observability.ts). */
  facts?: RequestFacts;
  /**
   * The request's cost and budgets once charged (budget.ts), encoded once for the header that tells
   * the subgraphs (`costReportHeader`, for `rateLimitInfo`).
   */
  costReportHeader?: string;
  /**
   * Set when a query runs ahead of its charge (budget.ts): the charge, settled to the refusal to
   * answer instead, or `null` when it was granted.
   */
  chargedAhead?: Promise<GraphQLResponse | null>;
}
