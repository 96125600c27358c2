import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';

/**
 * Code of every limit refusal, with HTTP 400. Apollo Server gives it to whatever a validation
 * rule reports (depth, aliases, directives: armor's BAD_USER_INPUT there is overwritten),
 * armor's own hook gave it to the token limit, and we keep that: the document was refused
 * before anything ran and the client must change the query. BAD_USER_INPUT would point at
 * argument or variable values, which are not at fault. The per-operation cost maximum (budget.ts)
 * refuses with it too.
 */
export const limitRefusalCode = 'GRAPHQL_VALIDATION_FAILED';

/** What the client reads. Which limit, never the number (`exposeLimits: false`). */
const messages = {
  maxDepth: 'Query is nested too deeply.',
  maxAliases: 'Query uses too many aliases.',
  maxDirectives: 'Query uses too many directives.',
  maxTokens: 'Query is too long.',
} as const;

/** A token-limit refusal: raised while parsing, where Apollo only has its "unexpected error" path. */
class TokenLimitRefusal extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: limitRefusalCode, http: { status: 400 } } });
  }
}

// armor prefixes every refusal with "Syntax Error: " although the query parsed fine.
const withoutPrefix = (error: GraphQLError) => error.message.replace(/^Syntax Error: /, '');

/** Reports to graphql-js' validation; Apollo turns that into a 400 with `limitRefusalCode`. */
const reportToValidation = (context: ValidationContext | null, error: GraphQLError) => {
  context?.reportError(new GraphQLError(withoutPrefix(error)));
};

const refuseTokens = (_context: ValidationContext | null, error: GraphQLError) => {
  throw new TokenLimitRefusal(withoutPrefix(error));
};

/**
 * armor's defaults (aliases 15, directives 50, tokens 1000) but depth 8, with limits never told to
 * the client. Our schema has no cycles, so depth only has to admit the deepest page a client has a
 * reason to ask for: a bill's lines (me > electricityAccounts > bills > edges > node > lines >
 * amount > amount). Fragments are flattened before counting, so a client using named fragments is
 * not charged extra levels for them. schema/operations/Dashboard.graphql is at depth 6. Sandbox's
 * introspection is ~200 tokens and `__schema` is exempt from depth (only the real introspection
 * field: a fragment or operation named `__schema` is counted, see limits.e2e.ts).
 * armor's cost limit is off: cost is ours (cost.ts), priced with the variables, told to the client
 * on every response and charged to visible budgets (budget.ts).
 */
function armorConfig() {
  const validationRule = { exposeLimits: false, propagateOnRejection: false, onReject: [reportToValidation] };
  return {
    maxDepth: { ...validationRule, n: 8, flattenFragments: true, errorMessage: messages.maxDepth },
    maxAliases: { ...validationRule, n: 15, errorMessage: messages.maxAliases },
    maxDirectives: { ...validationRule, n: 50, errorMessage: messages.maxDirectives },
    costLimit: { enabled: false },
    maxTokens: { n: 1000, exposeLimits: false, errorMessage: messages.maxTokens, propagateOnRejection: false, onReject: [refuseTokens] },
    blockFieldSuggestion: { enabled: true },
  };
}

/**
 * A throw from `parsingDidStart` (the token limit) lands in `unexpectedErrorProcessingRequest`.
 * armor's hook there re-throws EVERY unexpected error as GRAPHQL_VALIDATION_FAILED with the
 * original error's text as message, which would slip internal errors past maskGatewayError.
 * We drop it and re-throw only our own refusal; anything else stays Apollo's "Internal server
 * error".
 */
const tokenRefusalPassesThrough: ApolloServerPlugin = {
  async unexpectedErrorProcessingRequest({ error }) {
    if (error instanceof TokenLimitRefusal) throw error;
  },
};

type RequestHooks = Awaited<ReturnType<NonNullable<ApolloServerPlugin['requestDidStart']>>>;

/**
 * armor's token limit parses the document itself in `parsingDidStart`, so a syntax error would
 * surface there as an unexpected (500) error. Only the limit's refusal is kept from that parse;
 * a syntax error is left to Apollo's own parse right after, which answers GRAPHQL_PARSE_FAILED
 * with 400.
 */
function syntaxErrorsLeftToApollo(plugin: ApolloServerPlugin): ApolloServerPlugin {
  const { requestDidStart } = plugin;
  if (!requestDidStart) return plugin;
  return {
    ...plugin,
    async requestDidStart(requestContext) {
      const hooks: RequestHooks = await requestDidStart.call(plugin, requestContext);
      const parsingDidStart = hooks?.parsingDidStart;
      if (!hooks || !parsingDidStart) return hooks;
      return {
        ...hooks,
        async parsingDidStart(parsingContext) {
          try {
            return await parsingDidStart.call(hooks, parsingContext);
          } catch (error) {
            if (error instanceof TokenLimitRefusal) throw error;
            return undefined;
          }
        },
      };
    },
  };
}

export interface RequestLimits<TContext extends object> {
  plugins: ApolloServerPlugin<TContext>[];
  validationRules: ValidationRule[];
}

/** Plugins and validation rules to add to the gateway's ApolloServer. Fresh per server: armor mutates its config. */
export function requestLimits<TContext extends object>(): RequestLimits<TContext> {
  const { plugins, validationRules } = new ApolloArmor(armorConfig()).protect();
  const withoutArmorCatchAll = plugins.map((plugin) => {
    const { unexpectedErrorProcessingRequest: _catchAll, ...rest } = plugin;
    return syntaxErrorsLeftToApollo(rest);
  });
  return {
    // No cast: under our `moduleResolution: Bundler` armor's declarations resolve to the same
    // @apollo/server ESM types as ours. TOOLCHAIN.md saw them clash; if they do again, a cast
    // here is enough.
    plugins: [...withoutArmorCatchAll, tokenRefusalPassesThrough],
    validationRules,
  };
}
