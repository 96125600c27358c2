import type { ApolloServerPlugin } from '@apollo/server';
import { DomainError, type Translations } from '@kabinet/errors';
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
          // As graphql-js words it, in every language: clients may already match on the English.
          const name = request.operationName;
          const message: Translations = name
            ? { en: `Unknown operation named "${name}".`, uk: `Немає операції з назвою "${name}".`, ru: `Нет операции с названием "${name}".` }
            : operations > 1
              ? {
                  en: 'Must provide operation name if query contains multiple operations.',
                  uk: 'Документ має кілька операцій: укажіть operationName.',
                  ru: 'В документе несколько операций: укажите operationName.',
                }
              : { en: 'Must provide an operation.', uk: 'Документ не має операції.', ru: 'В документе нет операции.' };
          throw new DomainError('OPERATION_RESOLUTION_FAILURE', message, {}, 400);
        },
      };
    },
  };
}
