import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { defaultLocale, isTranslations, type Locale, type Translations } from './locale';

export * from './locale';

/**
 * An expected failure, raised on purpose: its message and `extensions` reach the client.
 * `code` is stable API (clients switch on it); `details` carry machine-readable context. The
 * message is given in every language (`message` itself is the default's, for logs) and a detail
 * may be too: the client gets them in its request's language (`errorsInRequestLanguage`).
 */
export class DomainError extends GraphQLError {
  constructor(
    code: string,
    readonly translations: Translations,
    details: Record<string, unknown> = {},
    httpStatus?: number,
  ) {
    super(translations[defaultLocale], {
      extensions: { ...details, code, ...(httpStatus ? { http: { status: httpStatus } } : {}) },
    });
  }
}

/** Where the HTTP layer leaves a request's language on the errors it raised. */
const requestLocale = Symbol('kabinet.requestLocale');

/**
 * Tells an error the language of the request it failed (Accept-Language), for `formatError` to
 * answer in: the language goes with the error, not with the async context of the request
 * (AsyncLocalStorage on Node 20 turns on promise hooks for every promise of the process, which
 * cost the subgraphs a sixth of their CPU).
 */
export function tellLocale(error: unknown, locale: Locale): void {
  if (typeof error === 'object' && error !== null) (error as { [requestLocale]?: Locale })[requestLocale] = locale;
}

/** The language told to an error or to one it wraps; the default if none was. */
function localeOf(error: unknown): Locale {
  for (let current = error; current; current = (current as { originalError?: unknown }).originalError) {
    const locale = (current as { [requestLocale]?: Locale })[requestLocale];
    if (locale) return locale;
  }
  return defaultLocale;
}

const tellingLocale: GraphQLRequestListener<BaseContext & { locale?: Locale }> = {
  async didEncounterErrors({ errors, contextValue }) {
    if (!contextValue.locale) return;
    for (const error of errors) tellLocale(error, contextValue.locale);
  },
};

/**
 * Errors of an operation in its context's `locale` (set by the HTTP layer from Accept-Language):
 * Apollo Server tells a request's listeners of its errors before it formats them. Errors raised
 * while the context is made are told by the HTTP layer itself (graphqlHttpHandler).
 */
export function errorsInRequestLanguage(): ApolloServerPlugin<BaseContext & { locale?: Locale }> {
  return { requestDidStart: async () => tellingLocale };
}

const mustLogIn: Translations = { en: 'You must be logged in', uk: 'Спершу увійдіть до кабінету', ru: 'Сначала войдите в кабинет' };
const notAllowed: Translations = { en: 'You are not allowed to do this', uk: 'Вам це не дозволено', ru: 'Вам это не разрешено' };

export const unauthenticated = (message: Translations = mustLogIn) => new DomainError('UNAUTHENTICATED', message);
export const forbidden = (message: Translations = notAllowed) => new DomainError('FORBIDDEN', message);

/**
 * Refusals of a delegated token (one a customer gave a partner app): the app lacks the scope the
 * field needs, or the field is for Kabinet's own apps only whatever the scopes. Both are
 * FORBIDDEN with a machine-readable `reason`, so an app can ask the customer for more consent.
 */
export const missingScope = (requiredScope: string) =>
  new DomainError(
    'FORBIDDEN',
    {
      en: `The app you use was not allowed to do this: it needs the "${requiredScope}" permission`,
      uk: `Застосунку, яким ви користуєтеся, це не дозволено: потрібен дозвіл "${requiredScope}"`,
      ru: `Приложению, которым вы пользуетесь, это не разрешено: нужно разрешение "${requiredScope}"`,
    },
    { reason: 'MISSING_SCOPE', requiredScope },
  );
export const firstPartyOnlyRefusal = () =>
  new DomainError(
    'FORBIDDEN',
    {
      en: 'Only Kabinet itself can do this, not an app connected to it',
      uk: 'Це можна зробити лише в самому Кабінеті, не через підключений застосунок',
      ru: 'Это можно сделать только в самом Кабинете, не через подключённое приложение',
    },
    { reason: 'FIRST_PARTY_ONLY' },
  );
export const badInput = (message: Translations, details: Record<string, unknown> = {}) =>
  new DomainError('BAD_USER_INPUT', message, details);

/** Errors Apollo Server raises about the request itself; safe to show as they are. */
const requestErrorCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Apollo Server's own refusals of a request that carry no code (it answers them with 400): a
 * client still gets a stable one.
 */
const uncodedRequestErrors: Record<string, string> = {
  'provided sha does not match query': 'PERSISTED_QUERY_HASH_MISMATCH',
  'Unsupported persisted query version': 'PERSISTED_QUERY_VERSION_NOT_SUPPORTED',
};

const internalError: Translations = { en: 'Internal server error', uk: 'Внутрішня помилка сервера', ru: 'Внутренняя ошибка сервера' };
/** The message of a masked error, in `locale`. */
const internalErrorMessage = (locale: Locale = defaultLocale) => internalError[locale];

type ErrorLogger = (error: unknown, message: string) => void;

/**
 * The DomainError behind an error, possibly wrapped: Apollo Server wraps what a context function
 * throws when it does not recognise it as a GraphQLError (its graphql may be another copy than ours).
 */
function raisedOnPurpose(error: unknown): DomainError | null {
  for (let current = error; current; current = (current as { originalError?: unknown }).originalError) {
    if (current instanceof DomainError) return current;
  }
  return null;
}

/**
 * graphql-js suggests names it knows ("Did you mean the enum value ...?"): in a refusal to a
 * client, that is the schema told to someone who has not seen it. Field suggestions are blocked
 * by graphql-armor; this removes the rest, from every message.
 */
const withoutSuggestions = (message: string) => message.replace(/\s*Did you mean [^?]*\?/g, '');

function withoutInternals(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const { stacktrace: _stacktrace, exception: _exception, response: _response, ...extensions } = formatted.extensions ?? {};
  return { ...formatted, message: withoutSuggestions(formatted.message), extensions };
}

/** A DomainError as the client gets it: its message and the details given in every language, in `locale`. */
function told(formatted: GraphQLFormattedError, domain: DomainError, locale: Locale): GraphQLFormattedError {
  const extensions = formatted.extensions && Object.fromEntries(Object.entries(formatted.extensions).map(([key, value]) => [key, isTranslations(value) ? value[locale] : value]));
  return withoutInternals({ ...formatted, message: domain.translations[locale], extensions });
}

/**
 * `formatError` for a subgraph: only errors raised on purpose (DomainError) and Apollo's own
 * request errors pass; anything else is logged in full and becomes a generic message.
 */
export function maskSubgraphError(log: ErrorLogger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code;
    const domain = raisedOnPurpose(original);
    // Its own message: a wrapper's adds Apollo's "Context creation failed: ".
    if (domain) return told(formatted, domain, localeOf(error));
    if (typeof code === 'string' && requestErrorCodes.has(code)) return withoutInternals(formatted);
    log(original, 'unexpected error masked');
    return { message: internalErrorMessage(localeOf(error)), path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/**
 * `formatError` for the gateway: subgraphs already mask, so a coded error other than an
 * internal one is passed on (without stack traces); everything else is masked again here, in
 * case a subgraph forgot.
 */
export function maskGatewayError(log: ErrorLogger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    // `Error`, not `GraphQLError`: Apollo Server and this module may load different copies of graphql.
    const requestCode = original instanceof Error ? uncodedRequestErrors[original.message] : undefined;
    if (requestCode) return withoutInternals({ ...formatted, extensions: { ...formatted.extensions, code: requestCode } });
    const code = formatted.extensions?.code;
    const domain = raisedOnPurpose(original);
    if (domain) return told(formatted, domain, localeOf(error));
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') return withoutInternals(formatted);
    log(original, 'unexpected error masked');
    return { message: internalErrorMessage(localeOf(error)), path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
