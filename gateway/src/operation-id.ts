import { createHash } from 'node:crypto';
import type { GraphQLRequest } from '@apollo/server';

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The id a request sends in `extensions.persistedQuery.sha256Hash` (APQ's or a manifest's), if any. */
export function persistedQueryId(request: Pick<GraphQLRequest, 'extensions'>): string | undefined {
  const hash = (request.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}
