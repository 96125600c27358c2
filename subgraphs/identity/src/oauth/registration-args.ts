import { parseArgs } from 'node:util';
import { isScope, scopes } from '@kabinet/auth';
import { registrationProblem, type ClientRegistration } from './clients';

export const usage = `corepack pnpm --filter @kabinet/identity client:register -- \\
  --id demo-bank --name "Demo Bank" \\
  --scope accounts:read [--scope readings:write ...] \\
  --redirect-uri https://bank.example/kabinet/callback [--redirect-uri ...]

Registers an app that may ask customers for access (or replaces the name, scopes and redirect URIs
of the one with that id). Scopes: ${scopes.join(', ')}. Redirect URIs: https, http on loopback
(127.0.0.1, [::1], localhost), or a private-use scheme in reverse-domain form
(com.example.app:/callback). Apps are public clients: PKCE, no secret.`;

/**
 * The registration the command line asks for, or why it cannot be made. `ownApps`: the names of
 * Kabinet's own apps (first-party in schema/clients.json), which no partner may take: the gateway
 * would take a delegated token of that name for one of ours, free of a partner's safelist.
 */
export function parseRegistration(argv: string[], ownApps: readonly string[] = []): { registration: ClientRegistration } | { problem: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        id: { type: 'string' },
        name: { type: 'string' },
        scope: { type: 'string', multiple: true, default: [] },
        'redirect-uri': { type: 'string', multiple: true, default: [] },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    return { problem: (error as Error).message };
  }
  const requested = values.scope.flatMap((scope) => scope.split(/[\s,]+/)).filter(Boolean);
  const unknown = requested.filter((scope) => !isScope(scope));
  if (unknown.length) return { problem: `unknown scope ${unknown.join(', ')}: use ${scopes.join(', ')}` };
  const registration: ClientRegistration = {
    clientId: values.id ?? '',
    name: values.name ?? '',
    scopes: [...new Set(requested.filter(isScope))],
    redirectUris: values['redirect-uri'],
  };
  if (ownApps.includes(registration.clientId)) return { problem: `client id: ${registration.clientId} is one of Kabinet's own apps` };
  const problem = registrationProblem(registration);
  return problem ? { problem } : { registration };
}
