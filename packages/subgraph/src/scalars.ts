import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

function toDateString(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'string' && datePattern.test(value)) return value;
  throw new GraphQLError(`Date cannot represent ${String(value)}`);
}

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !datePattern.test(value) || Number.isNaN(Date.parse(value))) {
    throw new GraphQLError('Date must be YYYY-MM-DD', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return value;
}

function toDateTimeString(value: unknown): string {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent ${String(value)}`);
  return date.toISOString();
}

function parseDateTime(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) {
    throw new GraphQLError('DateTime must be ISO 8601', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return date;
}

/** Resolvers for the shared `Date` and `DateTime` scalars (schema/shared/money.graphql). */
export const scalarResolvers = {
  Date: new GraphQLScalarType({
    name: 'Date',
    serialize: toDateString,
    parseValue: parseDate,
    parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : null),
  }),
  DateTime: new GraphQLScalarType({
    name: 'DateTime',
    serialize: toDateTimeString,
    parseValue: parseDateTime,
    parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : null),
  }),
};
