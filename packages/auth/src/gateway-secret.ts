import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the gateway's proof to a subgraph. */
export const gatewaySecretHeader = 'x-kabinet-gateway-secret';
/** Client address as seen by the gateway; trusted only on requests that carry the secret. */
export const clientIpHeader = 'x-kabinet-client-ip';

/**
 * Each subgraph gets its own secret derived from the one configured master secret, so a
 * value seen by one subgraph cannot be replayed against another.
 */
export function subgraphSecret(masterSecret: string, subgraph: string): string {
  return createHmac('sha256', masterSecret).update(`kabinet-subgraph:${subgraph}`).digest('base64url');
}

export function secretsMatch(expected: string, provided: string | undefined): boolean {
  if (provided === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(provided);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * What a subgraph expects from relays delivering events to it, derived from the same master
 * secret but for another purpose, so that neither value can stand in for the other.
 */
export function eventsSecret(masterSecret: string, destination: string): string {
  return createHmac('sha256', masterSecret).update(`kabinet-events:${destination}`).digest('base64url');
}
