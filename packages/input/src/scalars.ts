import { GraphQLError, GraphQLScalarType, Kind, type GraphQLSchema, type ValueNode } from 'graphql';
import { DomainError, type Translations } from '@kabinet/errors';
import { isCalendarDate, parseInstant } from './dates';

const badInput = (message: Translations) => new DomainError('BAD_USER_INPUT', message, {}, 400);

const messages = {
  date: {
    en: 'A Date is a day that exists, written YYYY-MM-DD',
    uk: 'Дата — це день, який існує, у вигляді РРРР-ММ-ДД',
    ru: 'Дата — это существующий день в виде ГГГГ-ММ-ДД',
  },
  dateTime: {
    en: 'A DateTime is an ISO 8601 instant with its offset, e.g. 2026-11-01T09:30:00Z',
    uk: 'Момент часу записують за ISO 8601 зі зміщенням, напр. 2026-11-01T09:30:00Z',
    ru: 'Момент времени записывают по ISO 8601 со смещением, напр. 2026-11-01T09:30:00Z',
  },
} satisfies Record<string, Translations>;

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !isCalendarDate(value)) throw badInput(messages.date);
  return value;
}

function parseDateTime(value: unknown): Date {
  const instant = typeof value === 'string' ? parseInstant(value) : null;
  if (!instant) throw badInput(messages.dateTime);
  return instant;
}

const stringLiteral = (ast: ValueNode) => (ast.kind === Kind.STRING ? ast.value : null);

function toDateString(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'string' && isCalendarDate(value)) return value;
  throw new GraphQLError(`Date cannot represent ${String(value)}`);
}

function toDateTimeString(value: unknown): string {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent ${String(value)}`);
  return date.toISOString();
}

/** How the shared scalars (schema/shared/money.graphql) are read from requests, wherever they are read. */
const parsers = {
  Date: { parseValue: parseDate, parseLiteral: (ast: ValueNode) => parseDate(stringLiteral(ast)) },
  DateTime: { parseValue: parseDateTime, parseLiteral: (ast: ValueNode) => parseDateTime(stringLiteral(ast)) },
};

/** Resolvers for the shared `Date` and `DateTime` scalars, for the subgraphs. */
export const scalarResolvers = {
  Date: new GraphQLScalarType({ name: 'Date', serialize: toDateString, ...parsers.Date }),
  DateTime: new GraphQLScalarType({ name: 'DateTime', serialize: toDateTimeString, ...parsers.DateTime }),
};

/**
 * Gives a schema built from SDL alone (the gateway's API schema) the same input rules as the
 * subgraphs, so an impossible date is refused at the edge while the document is validated,
 * before anything is planned or sent on. Results keep passing through unchanged.
 */
export function withSharedScalarParsing(schema: GraphQLSchema): void {
  for (const [name, parser] of Object.entries(parsers)) {
    const type = schema.getType(name);
    // By tag, not `instanceof`: @apollo/gateway builds the schema with graphql's CommonJS copy.
    if (Object.prototype.toString.call(type) === '[object GraphQLScalarType]') Object.assign(type!, parser);
  }
}
