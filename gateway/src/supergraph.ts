import { readFileSync } from 'node:fs';

/** The composed, checked-in supergraph (`pnpm compose` rebuilds it). */
export const supergraphPath = new URL('../../schema/supergraph.graphql', import.meta.url);

export function readSupergraphSdl(): string {
  return readFileSync(supergraphPath, 'utf8');
}
