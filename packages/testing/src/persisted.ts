import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@kabinet/config';
import type { GraphQLResponse } from './client';

export interface ManifestOperation {
  id: string;
  name: string;
  type: string;
  body: string;
}

/** A client's checked-in persisted query manifest (schema/persisted-queries/<client>.json). */
export const manifestOperations = (client: string): ManifestOperation[] =>
  JSON.parse(readFileSync(path.join(repoRoot, 'schema', 'persisted-queries', `${client}.json`), 'utf8')).operations;

/** One operation of a client's manifest, by name. */
export function manifestOperation(client: string, name: string): ManifestOperation {
  const operation = manifestOperations(client).find((candidate) => candidate.name === name);
  if (!operation) throw new Error(`${client}'s manifest has no operation ${name}`);
  return operation;
}

export interface PersistedRequest {
  /** `extensions.persistedQuery.sha256Hash`. */
  id?: string;
  /** Text, alone (free-form) or with `id` (APQ registration). */
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  token?: string;
  /** Sent as `apollographql-client-name`. */
  clientName?: string;
  method?: 'POST' | 'GET';
}

/**
 * A request as Apollo Client's persisted-query link sends it: the id in `extensions.persistedQuery`,
 * by POST or by GET (with the header csrfPrevention asks of a GET).
 */
export async function persistedRequest(url: string, sent: PersistedRequest): Promise<GraphQLResponse> {
  const body: Record<string, unknown> = {
    ...(sent.query !== undefined ? { query: sent.query } : {}),
    ...(sent.operationName ? { operationName: sent.operationName } : {}),
    ...(sent.variables ? { variables: sent.variables } : {}),
    ...(sent.id ? { extensions: { persistedQuery: { version: 1, sha256Hash: sent.id } } } : {}),
  };
  const headers: Record<string, string> = {
    ...(sent.token ? { authorization: `Bearer ${sent.token}` } : {}),
    ...(sent.clientName ? { 'apollographql-client-name': sent.clientName, 'apollographql-client-version': '1.0.0' } : {}),
  };
  const response =
    sent.method === 'GET'
      ? await fetch(`${url}?${new URLSearchParams(Object.entries(body).map(([key, value]): [string, string] => [key, typeof value === 'string' ? value : JSON.stringify(value)]))}`, {
          headers: { ...headers, 'apollo-require-preflight': 'true' },
        })
      : await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await response.json()) as Pick<GraphQLResponse, 'data' | 'errors' | 'extensions'>;
  return { data: json.data, errors: json.errors, extensions: json.extensions, status: response.status, headers: response.headers };
}
