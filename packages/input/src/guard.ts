import type { ApolloServerPlugin } from '@apollo/server';
import { DomainError } from '@kabinet/errors';
import { findBadString } from './strings';

const messages = {
  CONTROL_CHARACTER: 'Text may not contain control characters such as NUL',
  TOO_LONG: 'Text is longer than any field takes',
} as const;

/**
 * Refuses, before anything runs, a request carrying a string no field takes: a NUL byte or
 * another control character, or an endless text. One check for every string input of the API,
 * literals and variables alike, instead of one per field.
 */
export function stringInputGuard<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          const bad = findBadString(document, request.variables);
          if (bad) throw new DomainError('BAD_USER_INPUT', messages[bad.problem], { reason: bad.problem, location: bad.location }, 400);
        },
      };
    },
  };
}
