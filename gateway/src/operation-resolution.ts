import type { ApolloServerPlugin } from '@apollo/server';
import { DomainError } from '@kabinet/errors';
import { Kind } from 'graphql';

/**
 * An `operationName` the document lacks, or none for a document of several operations, is the
 * client's mistake. Apollo Server leaves it to the executor, and @apollo/gateway's executor then
 * fails as an internal error; it is refused here first, as graphql-js words it.
 */
export function operationResolution<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (operation) return;
          const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length;
          const message = request.operationName
            ? `Unknown operation named "${request.operationName}".`
            : operations > 1
              ? 'Must provide operation name if query contains multiple operations.'
              : 'Must provide an operation.';
          throw new DomainError('OPERATION_RESOLUTION_FAILURE', message, {}, 400);
        },
      };
    },
  };
}
