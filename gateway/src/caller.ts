import type { Viewer } from '@kabinet/auth';

/** Apollo's client-awareness headers: which app (and which release of it) sends the request. */
export const clientNameHeader = 'apollographql-client-name';
export const clientVersionHeader = 'apollographql-client-version';

/** The client of a request that names none. */
export const anonymousClient = 'anonymous';

/**
 * A header is the caller's word: it reaches logs, metric labels and Redis keys, so only a short run
 * of plain characters is kept.
 */
function plain(value: string | null | undefined, maxLength: number): string | undefined {
  const cleaned = value?.trim().replace(/[^A-Za-z0-9._:@/+-]/g, '_').slice(0, maxLength);
  return cleaned || undefined;
}

/** Who is calling, for budgets, logs and metrics. */
export interface Caller {
  /** The client application's name: a delegated token's `client_id`, else the header's, else `anonymous`. */
  client: string;
  clientVersion: string | undefined;
  /**
   * The client's budget key. A token's client is proven, a header's only claimed: they are kept
   * apart, so that no one can spend a registered client's budget by sending its name.
   */
  clientKey: string;
  /** The customer's budget key: the logged-in user, or the address of an anonymous caller. */
  customerKey: string;
}

type HeaderReader = (name: string) => string | null | undefined;

/** The client as the request's headers name it (before anything is known of its token). */
export function clientFromHeaders(header: HeaderReader): Pick<Caller, 'client' | 'clientVersion'> {
  return { client: plain(header(clientNameHeader), 64) ?? anonymousClient, clientVersion: plain(header(clientVersionHeader), 32) };
}

export function callerOf(viewer: Viewer | null, clientIp: string, header: HeaderReader): Caller {
  const named = clientFromHeaders(header);
  const tokenClient = viewer?.clientId ? plain(viewer.clientId, 64) : undefined;
  return {
    client: tokenClient ?? named.client,
    clientVersion: named.clientVersion,
    clientKey: tokenClient ? `token:${tokenClient}` : `named:${named.client}`,
    customerKey: viewer ? `user:${viewer.userId}` : `ip:${clientIp}`,
  };
}
