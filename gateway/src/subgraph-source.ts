import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { clientIpHeader, gatewaySecretHeader } from '@kabinet/auth';
import { DomainError, type Translations } from '@kabinet/errors';
import { costReportHeader } from '@kabinet/rate-limits';
import { GraphQLError, Kind, parse, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { Agent, type Dispatcher } from 'undici';
import type { GatewayContext } from './context';

type SubgraphResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/**
 * Kept-alive connections to the subgraphs. Idle sockets are dropped after 30 s, well before the
 * subgraphs' servers close them (65 s, `@kabinet/http`): a request is never written into a socket
 * the other side is closing.
 */
export function subgraphAgent(timeoutMs: number): Agent {
  return new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 30_000, connect: { timeout: timeoutMs } });
}

/** A subgraph's answer as it came, before anyone parsed it: each request that waited on it parses its own copy. */
interface RawAnswer {
  status: number;
  contentType: string | undefined;
  cacheControl: string | undefined;
  text: string;
}

const headerValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : value);

/** The codes of a failed connection that the subgraph may not have seen the request on. */
const resetCodes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
/** The call's own deadline (`SubgraphSource.sweep`): the whole answer, not one phase of it, took too long. */
const deadlineCode = 'KABINET_SUBGRAPH_DEADLINE';
/** undici's time limits (connecting, waiting for the answer to begin, between its parts) and the call's deadline. */
const timeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', deadlineCode]);
const codeOf = (error: unknown) => {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  return String(code ?? cause?.code);
};

export const isTimeout = (error: unknown) => timeoutCodes.has(codeOf(error));
const isConnectionReset = (error: unknown) => resetCodes.has(codeOf(error));
/** Subgraph operations the gateway plans start with their type; only queries are safe to send twice. */
const isQuery = (query: string) => /^\s*(query\b|\{)/.test(query);
/**
 * `rateLimitInfo` answers with this request's own budgets, which the gateway tells the subgraph
 * in a header (`costReportHeader`): two requests for it never share an answer.
 */
export const answersPerRequest = (query: string) => query.includes('rateLimitInfo');

/** A service's name as a person reads it, in each language. */
const serviceNames: Record<string, Translations> = {
  identity: { en: 'login', uk: 'входу', ru: 'входа' },
  electricity: { en: 'electricity', uk: 'електроенергії', ru: 'электроэнергии' },
  heat: { en: 'heat and hot water', uk: 'тепла й гарячої води', ru: 'тепла и горячей воды' },
  payments: { en: 'payments', uk: 'платежів', ru: 'платежей' },
};

export type Failure = 'SERVICE_FAILED' | 'TIMEOUT' | 'CONNECTION_LOST' | 'UNREACHABLE';

/** What the gateway says when a service fails it, in each language (GraphQL calls and the routes forwarded to subgraphs). */
export function serviceMessages(service: string): Record<Failure, Translations> {
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

/** A JSON answer (GraphQL's media types), or `undefined` for anything else or what does not parse. */
function parsedBody(answer: RawAnswer): unknown {
  const type = answer.contentType;
  if (!type || !(type.startsWith('application/json') || type.startsWith('application/graphql-response+json'))) return undefined;
  try {
    return JSON.parse(answer.text);
  } catch {
    return undefined;
  }
}

/** A subgraph's `Cache-Control` as the hint @apollo/gateway gives the overall policy (none: not cacheable). */
function cacheHint(header: string | undefined): { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } {
  const hint: { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } = { maxAge: 0 };
  if (!header) return hint;
  for (const part of header.split(',')) {
    const [name, value] = part.trim().split('=', 2).map((piece) => piece.trim().replace(/^"|"$/g, ''));
    if (name === 'max-age' && value && /^[0-9]+$/.test(value)) hint.maxAge = Number(value);
    if (name === 'private') hint.scope = 'PRIVATE';
    if (name === 'public') hint.scope = 'PUBLIC';
  }
  return hint;
}

/** A service's failure, placed on one field it was to answer. */
class MissingPart extends DomainError {
  constructor(failure: DomainError, path: readonly (string | number)[] | undefined) {
    super(String(failure.extensions.code), failure.translations, { ...failure.extensions });
    // GraphQLError's `path` is set once by its constructor, which DomainError does not pass on.
    (this as { path: readonly (string | number)[] | undefined }).path = path;
  }
}

/** More paths than this in one failed call (a long list of entities) are told by one error without a path. */
const maxMissingPaths = 100;

/**
 * The answer for a call the service could not answer: its failure once per field of the subgraph
 * operation, with the field's path in that operation (`[field]`, or `['_entities', i, field]` for
 * each entity asked about): @apollo/gateway turns these into the fields' paths in the client's
 * answer, as it does for a subgraph's own errors. Under a root field other subgraphs answer too
 * (`me`), what is missing is this subgraph's fields of it (`['me', 'heatAccounts']`): the object
 * itself is there (`{ me: {} }`), whoever else was asked for it, so that only those fields are
 * null, as they were when identity alone answered `me`. Only on failure: nothing here runs for
 * an answer that came.
 */
function failedCall(failure: DomainError, options: GraphQLDataSourceProcessOptions<GatewayContext>, sharedRootFields: ReadonlySet<string>): SubgraphResponse {
  let document: DocumentNode | undefined = 'document' in options ? options.document : undefined;
  try {
    document ??= parse(options.request.query!);
  } catch {
    return { errors: [new MissingPart(failure, undefined)] };
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  let selections: SelectionSetNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION) selections ??= definition.selectionSet;
  }
  /** Response names selected on a type (`undefined`: any), through fragments, without `__typename`. */
  const fieldsOf = (set: SelectionSetNode, typename: string | undefined, into: Set<string>): Set<string> => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== '__typename') into.add(selection.alias?.value ?? selection.name.value);
        continue;
      }
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      const condition = fragment?.typeCondition?.name.value;
      if (fragment && (!condition || typename === undefined || condition === typename)) fieldsOf(fragment.selectionSet, typename, into);
    }
    return into;
  };
  if (!selections) return { errors: [new MissingPart(failure, undefined)] };

  const paths: (string | number)[][] = [];
  const sharedObjects: Record<string, object> = {};
  const representations = options.request.variables?.representations;
  const entities = selections.selections.find((selection) => selection.kind === Kind.FIELD && selection.name.value === '_entities');
  if (Array.isArray(representations) && entities?.kind === Kind.FIELD && entities.selectionSet) {
    representations.forEach((representation: { __typename?: string }, index) => {
      for (const field of fieldsOf(entities.selectionSet!, representation?.__typename, new Set())) paths.push(['_entities', index, field]);
    });
  } else {
    for (const selection of selections.selections) {
      if (selection.kind === Kind.FIELD && selection.selectionSet && sharedRootFields.has(selection.name.value)) {
        const object = selection.alias?.value ?? selection.name.value;
        sharedObjects[object] = {};
        for (const field of fieldsOf(selection.selectionSet, undefined, new Set())) paths.push([object, field]);
      } else {
        for (const field of fieldsOf({ kind: Kind.SELECTION_SET, selections: [selection] }, undefined, new Set())) paths.push([field]);
      }
    }
  }
  const errors = paths.slice(0, maxMissingPaths).map((path) => new MissingPart(failure, path));
  if (paths.length === 0 || paths.length > maxMissingPaths) errors.push(new MissingPart(failure, undefined));
  return Object.keys(sharedObjects).length > 0 ? { data: sharedObjects, errors } : { errors };
}

export interface SubgraphSourceOptions {
  name: string;
  url: string;
  secret: string;
  agent: Agent;
  timeoutMs: number;
  /** Told of every call: `shared` when an identical query in flight answered it. */
  onCall?: (shared: boolean) => void;
  /** Root fields every subgraph answers its own part of (`sharedRootFieldsOf`). */
  sharedRootFields?: ReadonlySet<string>;
}

/**
 * How the gateway talks to one subgraph, straight over undici's dispatcher on kept-alive
 * connections: its secret and the caller's token on every call, a time limit, one retry of a query
 * whose kept-alive connection was reset, typed errors that name the subgraph when it cannot be
 * reached, and identical queries in flight at once sent only once (`inFlight`).
 */
export class SubgraphSource implements GraphQLDataSource<GatewayContext> {
  private readonly serviceName: string;
  private readonly secret: string;
  private readonly agent: Agent;
  private readonly origin: string;
  private readonly path: string;
  private readonly timeoutMs: number;
  private readonly onCall: (shared: boolean) => void;
  private readonly sharedRootFields: ReadonlySet<string>;
  /**
   * Queries on their way, by everything their answer depends on: the body (query, variables) and
   * the headers that differ between callers (token, address, language). Another caller sending
   * the same waits for that answer instead of asking again. Never mutations.
   */
  private readonly inFlight = new Map<string, Promise<RawAnswer>>();
  private messages: Record<Failure, Translations> | undefined;
  /**
   * Calls in flight and when each must have ended (performance.now()): one timer per subgraph
   * checks them (`sweep`), none per call. undici's limits alone bound each phase, so an answer
   * that trickles in a byte at a time would otherwise never end.
   */
  private readonly deadlines = new Map<Dispatcher.DispatchController, number>();
  private sweeper: NodeJS.Timeout | undefined;
  private readonly sweepEveryMs: number;

  constructor(options: SubgraphSourceOptions) {
    const url = new URL(options.url);
    this.serviceName = options.name;
    this.secret = options.secret;
    this.agent = options.agent;
    this.origin = url.origin;
    this.path = url.pathname + url.search;
    this.timeoutMs = options.timeoutMs;
    // A call ends at most a tenth of the limit after its deadline.
    this.sweepEveryMs = Math.max(10, Math.ceil(options.timeoutMs / 10));
    this.onCall = options.onCall ?? (() => {});
    this.sharedRootFields = options.sharedRootFields ?? new Set();
  }

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    const { request } = options;
    // Query plans also run without an incoming request (health checks): context is then empty.
    const context: Partial<GatewayContext> = options.context;
    const query = request.query;
    if (!query) throw new Error(`no query to send to subgraph ${this.serviceName}`);
    const body = JSON.stringify({ query, operationName: request.operationName, variables: request.variables, extensions: request.extensions });
    const headers: Record<string, string> = { 'content-type': 'application/json', [gatewaySecretHeader]: this.secret };
    // Only when the executor sends some (federated tracing, which Kabinet does not use).
    if (request.http?.headers) for (const [name, value] of request.http.headers) headers[name] = value;
    if (context.authorization) headers.authorization = context.authorization;
    if (context.clientIp) headers[clientIpHeader] = context.clientIp;
    if (context.acceptLanguage) headers['accept-language'] = context.acceptLanguage;
    if (context.costReportHeader) headers[costReportHeader] = context.costReportHeader;

    const retriable = isQuery(query);
    let answer: RawAnswer;
    try {
      if (retriable && !answersPerRequest(query)) answer = await this.shared(body, headers);
      else {
        this.onCall(false);
        answer = await this.sendWithRetry(body, headers, retriable);
      }
    } catch (error) {
      const failure = this.unavailable(error);
      if (failure instanceof DomainError) return failedCall(failure, options, this.sharedRootFields);
      throw failure;
    }
    if (answer.status < 200 || answer.status > 299) {
      const refusal = this.errorFromAnswer(answer);
      if (refusal instanceof DomainError) return failedCall(refusal, options, this.sharedRootFields);
      throw refusal;
    }
    const result = parsedBody(answer);
    if (typeof result !== 'object' || result === null || Array.isArray(result)) return failedCall(this.failed(), options, this.sharedRootFields);

    const policy = 'incomingRequestContext' in options ? options.incomingRequestContext.overallCachePolicy : undefined;
    if (policy && 'restrict' in policy) policy.restrict(cacheHint(answer.cacheControl));
    return result as SubgraphResponse;
  }

  /** The answer to a query already on its way with the same body and headers, or a new call that others may share. */
  private shared(body: string, headers: Record<string, string>): Promise<RawAnswer> {
    const key = `${headers.authorization ?? ''}\n${headers[clientIpHeader] ?? ''}\n${headers['accept-language'] ?? ''}\n${body}`;
    const waiting = this.inFlight.get(key);
    this.onCall(waiting !== undefined);
    if (waiting) return waiting;
    const answer = this.sendWithRetry(body, headers, true).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, answer);
    return answer;
  }

  private async sendWithRetry(body: string, headers: Record<string, string>, retriable: boolean): Promise<RawAnswer> {
    // One deadline for the call, the retry included.
    const deadline = performance.now() + this.timeoutMs;
    try {
      return await this.send(body, headers, deadline);
    } catch (error) {
      if (!retriable || !isConnectionReset(error)) throw error;
    }
    // The subgraph closed a kept-alive connection as the query went out: once more, on a fresh one.
    return this.send(body, headers, deadline);
  }

  /** Keeps a call to its deadline; the sweeping timer runs while any call is watched. */
  private watch(controller: Dispatcher.DispatchController, deadline: number): void {
    this.deadlines.set(controller, deadline);
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), this.sweepEveryMs);
      this.sweeper.unref();
    }
  }

  /** Aborts the calls past their deadline; stops once none is in flight. */
  private sweep(): void {
    if (this.deadlines.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
      return;
    }
    const now = performance.now();
    for (const [controller, deadline] of this.deadlines) {
      if (now < deadline) continue;
      this.deadlines.delete(controller);
      controller.abort(Object.assign(new Error(`no whole answer from subgraph ${this.serviceName} within ${this.timeoutMs} ms`), { code: deadlineCode }));
    }
  }

  private send(body: string, headers: Record<string, string>, deadline: number): Promise<RawAnswer> {
    // undici's dispatcher with a handler of our own rather than `request()`: no body stream and
    // no async resource per call, only the answer's chunks.
    // undici's limits (no pause longer than `timeoutMs`) and the call's deadline, kept by `sweep`
    // (no timer or AbortSignal of our own per call).
    const deadlines = this.deadlines;
    const watch = (controller: Dispatcher.DispatchController) => this.watch(controller, deadline);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let status = 0;
      let contentType: string | undefined;
      let cacheControl: string | undefined;
      let call: Dispatcher.DispatchController | undefined;
      this.agent.dispatch(
        { origin: this.origin, path: this.path, method: 'POST', headers, body, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs },
        {
          onRequestStart(controller) {
            call = controller;
            watch(controller);
          },
          // Called again after a 1xx: the last call is the answer's.
          onResponseStart(_controller, statusCode, responseHeaders) {
            status = statusCode;
            contentType = headerValue(responseHeaders['content-type']);
            cacheControl = headerValue(responseHeaders['cache-control']);
          },
          onResponseData(_controller, chunk) {
            chunks.push(chunk);
          },
          onResponseEnd() {
            if (call) deadlines.delete(call);
            resolve({ status, contentType, cacheControl, text: (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8') });
          },
          onResponseError(_controller, error) {
            if (call) deadlines.delete(call);
            reject(error);
          },
        },
      );
    });
  }

  /** A subgraph's own refusal (4xx with a coded error) passes on as it is; anything else is its failure. */
  private errorFromAnswer(answer: RawAnswer): GraphQLError {
    const body = parsedBody(answer) as { errors?: { message?: unknown; extensions?: Record<string, unknown> }[] } | undefined;
    const first = body?.errors?.[0];
    if (answer.status < 500 && typeof first?.extensions?.code === 'string' && typeof first.message === 'string') {
      const extensions = Object.fromEntries(Object.entries(first.extensions).filter(([key]) => !internalExtensions.has(key)));
      return new GraphQLError(first.message, { extensions: { ...extensions, serviceName: this.serviceName } });
    }
    return this.failed();
  }

  // DomainErrors: told in the request's language when the gateway formats them.
  private failed(): DomainError {
    return new DomainError('SERVICE_UNAVAILABLE', this.failureMessages().SERVICE_FAILED, { serviceName: this.serviceName, reason: 'SERVICE_FAILED' });
  }

  private unavailable(error: unknown): GraphQLError {
    if (error instanceof GraphQLError) return error;
    const reason = isTimeout(error) ? 'TIMEOUT' : isConnectionReset(error) ? 'CONNECTION_LOST' : 'UNREACHABLE';
    return new DomainError('SERVICE_UNAVAILABLE', this.failureMessages()[reason], { serviceName: this.serviceName, reason });
  }

  private failureMessages(): Record<Failure, Translations> {
    return (this.messages ??= serviceMessages(this.serviceName));
  }
}
