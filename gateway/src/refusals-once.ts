import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';

/** An error as the client reads it, whichever subgraph said it. */
const sayingOf = ({ message, path, extensions }: GraphQLFormattedError) => JSON.stringify([message, path, { ...extensions, serviceName: undefined }]);

/**
 * One error for one refusal. Every subgraph answers its own part of a shared root field (`me`),
 * so a caller they refuse (anonymous, a token without the scope) is refused by each of them in
 * the same words at the same path: the client is told once. Which subgraph said it
 * (`serviceName`) does not make it another error.
 */
const listener: GraphQLRequestListener<object> = {
  async willSendResponse({ response }) {
    if (response.body.kind !== 'single') return;
    const { errors } = response.body.singleResult;
    if (!errors || errors.length < 2) return;
    const seen = new Set<string>();
    const once = errors.filter((error) => {
      const saying = sayingOf(error);
      if (seen.has(saying)) return false;
      seen.add(saying);
      return true;
    });
    if (once.length < errors.length) response.body.singleResult.errors = once;
  },
};

// One listener for every request: nothing is allocated per request.
export const refusalsOnce = <TContext extends object>(): ApolloServerPlugin<TContext> => ({ requestDidStart: async () => listener });
