import type { Viewer } from '@kabinet/auth';
import type { RegisteredClient } from '@kabinet/clients';

/** Apollo's client-awareness headers: which app (and which release of it) sends the request. */
export const clientNameHeader = 'apollographql-client-name';
export const clientVersionHeader = 'apollographql-client-version';

/** The client of a request that names none. */
export const anonymousClient = 'anonymous';

/** What the caller rules need of the registered clients (schema/clients.json). */
export type ClientKinds = readonly Pick<RegisteredClient, 'name' | 'kind'>[];

/**
 * A header is the caller's word: it reaches logs, metric labels and Redis keys, so only a short run
 * of plain characters is kept.
 */
function plain(value: string | null | undefined, maxLength: number): string | undefined {
  const cleaned = value?.trim().replace(/[^A-Za-z0-9._:@/+-]/g, '_').slice(0, maxLength);
  return cleaned || undefined;
}

/** Who is calling: for the safelist, budgets, logs and metrics, by one set of rules. */
export interface Caller {
  /** The client application's name: a delegated token's `client_id`, else the header's, else `anonymous`. For logs and metrics. */
  client: string;
  clientVersion: string | undefined;
  /**
   * How the safelist treats it: a partner may only send its manifest's ids. A delegated token's
   * client is a partner unless registered first-party; without a token, a header naming a registered
   * partner makes the caller that partner (so a partner cannot shed its rules by leaving out its
   * token); anything else (our apps, Sandbox, scripts, anonymous callers) is first-party.
   */
  kind: 'partner' | 'first-party';
  /**
   * The client's budget key: only a client proven by its token (a delegated token's `client_id`)
   * has a budget. A header is only a claim, and every user of our own apps comes without a client:
   * one budget shared by all of them would let anyone spend it for everyone. `null`: the customer's
   * budget alone bounds the request.
   */
  clientKey: string | null;
  /** The customer's budget key: the logged-in user, or the address of an anonymous caller. */
  customerKey: string;
}

type HeaderReader = (name: string) => string | null | undefined;

/** The client as the request's headers name it (before anything is known of its token). */
export function clientFromHeaders(header: HeaderReader): Pick<Caller, 'client' | 'clientVersion'> {
  return { client: plain(header(clientNameHeader), 64) ?? anonymousClient, clientVersion: plain(header(clientVersionHeader), 32) };
}

export function callerOf(clients: ClientKinds, viewer: Viewer | null, clientIp: string, header: HeaderReader): Caller {
  const named = clientFromHeaders(header);
  const kindOf = (name: string) => clients.find((client) => client.name === name)?.kind;
  const tokenClient = viewer?.clientId ? plain(viewer.clientId, 64) : undefined;
  return {
    client: tokenClient ?? named.client,
    clientVersion: named.clientVersion,
    kind: tokenClient ? (kindOf(tokenClient) === 'first-party' ? 'first-party' : 'partner') : kindOf(named.client) === 'partner' ? 'partner' : 'first-party',
    clientKey: tokenClient ? `token:${tokenClient}` : null,
    customerKey: viewer ? `user:${viewer.userId}` : `ip:${clientIp}`,
  };
}
