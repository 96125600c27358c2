import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { clientIpHeader, gatewaySecretHeader } from '@kabinet/auth';
import { localize, type Translations } from '@kabinet/errors';
import { costReportHeader, encodeCostReport } from '@kabinet/rate-limits';
import { GraphQLError } from 'graphql';
import { Agent, fetch } from 'undici';
import type { GatewayContext } from './context';

/**
 * Kept-alive connections to the subgraphs. Idle sockets are dropped after 30 s, well before the
 * subgraphs' servers close them (65 s, `@kabinet/http`): a request is never written into a socket
 * the other side is closing.
 */
export function subgraphAgent(timeoutMs: number): Agent {
  return new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 30_000, connect: { timeout: timeoutMs } });
}

type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/** The codes of a failed connection that the subgraph may not have seen the request on. */
const resetCodes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
const causeCode = (error: unknown) => (error as { cause?: { code?: unknown } })?.cause?.code;

const isTimeout = (error: unknown) => error instanceof Error && error.name === 'TimeoutError';
const isConnectionReset = (error: unknown) => resetCodes.has(String(causeCode(error)));
/** Subgraph operations the gateway plans start with their type; only queries are safe to send twice. */
const isQuery = (query: string | undefined) => query !== undefined && /^\s*(query\b|\{)/.test(query);

/** A service's name as a person reads it, in each language. */
const serviceNames: Record<string, Translations> = {
  identity: { en: 'login', uk: 'входу', ru: 'входа' },
  electricity: { en: 'electricity', uk: 'електроенергії', ru: 'электроэнергии' },
  heat: { en: 'heat and hot water', uk: 'тепла й гарячої води', ru: 'тепла и горячей воды' },
  payments: { en: 'payments', uk: 'платежів', ru: 'платежей' },
};

function serviceMessages(service: string): Record<'SERVICE_FAILED' | 'TIMEOUT' | 'CONNECTION_LOST' | 'UNREACHABLE', Translations> {
  const name = serviceNames[service] ?? { en: service, uk: service, ru: service };
  return {
    SERVICE_FAILED: { en: `The ${name.en} service failed`, uk: `Сервіс ${name.uk} дав збій`, ru: `Сервис ${name.ru} дал сбой` },
    TIMEOUT: { en: `The ${name.en} service did not answer in time`, uk: `Сервіс ${name.uk} не відповів вчасно`, ru: `Сервис ${name.ru} не ответил вовремя` },
    CONNECTION_LOST: {
      en: `The connection to the ${name.en} service was lost`,
      uk: `Зʼєднання із сервісом ${name.uk} обірвалося`,
      ru: `Соединение с сервисом ${name.ru} оборвалось`,
    },
    UNREACHABLE: { en: `The ${name.en} service is unavailable`, uk: `Сервіс ${name.uk} недоступний`, ru: `Сервис ${name.ru} недоступен` },
  };
}

// Never passed on: where the subgraph is and what it answered is the gateway's business.
const internalExtensions = new Set(['stacktrace', 'exception', 'response', 'http']);

export interface SubgraphSourceOptions {
  name: string;
  url: string;
  secret: string;
  agent: Agent;
  timeoutMs: number;
}

/**
 * How the gateway talks to one subgraph: its secret and the caller's token on every call, a
 * time limit, one retry of a query whose kept-alive connection was reset, and typed errors
 * that name the subgraph when it cannot be reached.
 */
export class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly serviceName: string;
  private readonly secret: string;

  constructor(options: SubgraphSourceOptions) {
    super({
      url: options.url,
      fetcher: (url, init) =>
        // undici's Response has everything the data source reads; its type is node-fetch's shape by name only.
        fetch(url, { ...init, dispatcher: options.agent, signal: AbortSignal.timeout(options.timeoutMs) }) as unknown as ReturnType<RemoteGraphQLDataSource['fetcher']>,
    });
    this.serviceName = options.name;
    this.secret = options.secret;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    headers.set(gatewaySecretHeader, this.secret);
    // Query plans also run without an incoming request (health checks): context is then empty.
    if (context.authorization) headers.set('authorization', context.authorization);
    if (context.clientIp) headers.set(clientIpHeader, context.clientIp);
    if (context.acceptLanguage) headers.set('accept-language', context.acceptLanguage);
    if (context.costReport) headers.set(costReportHeader, encodeCostReport(context.costReport));
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    try {
      return await super.process(options);
    } catch (error) {
      if (!isConnectionReset(error) || !isQuery(options.request.query)) throw this.unavailable(error);
    }
    // The subgraph closed a kept-alive connection as the query went out: once more, on a fresh one.
    try {
      return await super.process(options);
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  /** A subgraph's own refusal (4xx with a coded error) passes on as it is; anything else is its failure. */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]): Promise<GraphQLError> {
    const body = await this.parseBody(response).catch(() => null);
    const first = (body as { errors?: { message?: unknown; extensions?: Record<string, unknown> }[] } | null)?.errors?.[0];
    if (response.status < 500 && typeof first?.extensions?.code === 'string' && typeof first.message === 'string') {
      const extensions = Object.fromEntries(Object.entries(first.extensions).filter(([key]) => !internalExtensions.has(key)));
      return new GraphQLError(first.message, { extensions: { ...extensions, serviceName: this.serviceName } });
    }
    return new GraphQLError(localize(serviceMessages(this.serviceName).SERVICE_FAILED), {
      extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: this.serviceName, reason: 'SERVICE_FAILED' },
    });
  }

  private unavailable(error: unknown): GraphQLError {
    if (error instanceof GraphQLError) return error;
    const reason = isTimeout(error) ? 'TIMEOUT' : isConnectionReset(error) ? 'CONNECTION_LOST' : 'UNREACHABLE';
    return new GraphQLError(localize(serviceMessages(this.serviceName)[reason]), {
      extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: this.serviceName, reason },
      originalError: error as Error,
    });
  }
}
