import { expect } from 'vitest';

export interface GraphQLResponse<TData = Record<string, any>> {
  status: number;
  data?: TData | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
  /** The response's own extensions (the gateway's `cost`). */
  extensions?: Record<string, any>;
  headers: Headers;
}

export interface RequestOptions {
  variables?: Record<string, unknown>;
  token?: string;
  headers?: Record<string, string>;
}

/** A GraphQL POST the way a client app sends it. */
export async function graphqlRequest<TData = Record<string, any>>(
  url: string,
  query: string,
  options: RequestOptions = {},
): Promise<GraphQLResponse<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  const text = await response.text();
  let body: { data?: TData; errors?: GraphQLResponse['errors']; extensions?: GraphQLResponse['extensions'] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`non-JSON response (${response.status}): ${text.slice(0, 300)}`);
  }
  return { status: response.status, data: body.data, errors: body.errors, extensions: body.extensions, headers: response.headers };
}

/** The response's data, failing the test with the errors if there are any. */
export function expectNoGraphQLErrors<TData>(response: GraphQLResponse<TData>): TData {
  expect(response.errors, JSON.stringify(response.errors, null, 2)).toBeUndefined();
  expect(response.data).toBeTruthy();
  return response.data as TData;
}

/** The `extensions.code` of each error, in order. */
export function errorCodes(response: GraphQLResponse): string[] {
  return (response.errors ?? []).map((error) => String(error.extensions?.code));
}

/** Asserts one typed error with `code` and no stack trace or internals leaking. */
export function expectErrorCode(response: GraphQLResponse, code: string): NonNullable<GraphQLResponse['errors']>[number] {
  expect(errorCodes(response), JSON.stringify(response.errors, null, 2)).toContain(code);
  const error = response.errors!.find((candidate) => candidate.extensions?.code === code)!;
  expect(JSON.stringify(response.errors)).not.toMatch(/stacktrace|\bat .+\.(ts|js):\d+/);
  return error;
}
