import type { ApolloServerPlugin } from '@apollo/server';
import { DomainError, type Translations } from '@kabinet/errors';
import { findBadString } from './strings';

const messages = {
  CONTROL_CHARACTER: {
    en: 'Text may not contain control characters such as NUL',
    uk: 'Текст не може містити керівних символів, як-от NUL',
    ru: 'Текст не может содержать управляющих символов, таких как NUL',
  },
  TOO_LONG: { en: 'Text is longer than any field takes', uk: 'Текст довший, ніж приймає будь-яке поле', ru: 'Текст длиннее, чем принимает любое поле' },
} satisfies Record<string, Translations>;

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
