import type { Viewer } from '@kabinet/auth';
import { registeredClients } from '@kabinet/clients';
import { describe, expect, it } from 'vitest';
import { callerOf, clientFromHeaders } from './caller';

const clients = registeredClients();
const headers = (values: Record<string, string>) => (name: string) => values[name];
const named = (client: string) => headers({ 'apollographql-client-name': client });
const viewer = (clientId?: string): Viewer => ({ userId: 'U1', role: 'CUSTOMER', sessionId: 'S1', clientId, scopes: clientId ? ['accounts:read'] : undefined });
const address = '198.51.100.7';

describe('the caller of a request', () => {
  it('is the anonymous client without a header or a token client, counted by address, with no client budget', () => {
    expect(callerOf(clients, null, address, headers({}))).toEqual({
      client: 'anonymous',
      clientVersion: undefined,
      kind: 'first-party',
      clientKey: null,
      customerKey: 'ip:198.51.100.7',
    });
  });

  it("takes the client Apollo's headers name for logs, counts a logged-in caller by user, and gives a named client no budget", () => {
    const caller = callerOf(clients, viewer(), address, headers({ 'apollographql-client-name': 'kabinet-web', 'apollographql-client-version': '2.4.0' }));
    expect(caller).toEqual({ client: 'kabinet-web', clientVersion: '2.4.0', kind: 'first-party', clientKey: null, customerKey: 'user:U1' });
    // Every web user, and anyone sending the same header, is bounded by their own customer budget only.
    expect(callerOf(clients, null, address, named('kabinet-web')).clientKey).toBeNull();
    expect(callerOf(clients, null, address, named('budget-app')).clientKey).toBeNull();
  });

  it("budgets a delegated token's client, whatever a header says", () => {
    expect(callerOf(clients, viewer('budget-app'), address, named('other'))).toMatchObject({ client: 'budget-app', clientKey: 'token:budget-app' });
    expect(callerOf(clients, viewer('kabinet-web'), address, headers({}))).toMatchObject({ client: 'kabinet-web', clientKey: 'token:kabinet-web' });
  });

  it("is a partner by its delegated token's client, whatever the header claims", () => {
    expect(callerOf(clients, viewer('demo-bank'), address, headers({}))).toMatchObject({ kind: 'partner', client: 'demo-bank' });
    expect(callerOf(clients, viewer('demo-bank'), address, named('kabinet-web'))).toMatchObject({ kind: 'partner', client: 'demo-bank' });
    // A delegated token of a client without a manifest is a partner with no operations.
    expect(callerOf(clients, viewer('unknown-app'), address, named('kabinet-web'))).toMatchObject({ kind: 'partner', client: 'unknown-app' });
  });

  it("is a partner by the header's name alone, with or without a first-party session, but has no client budget by it", () => {
    expect(callerOf(clients, null, address, named('demo-bank'))).toMatchObject({ kind: 'partner', client: 'demo-bank', clientKey: null });
    expect(callerOf(clients, viewer(), address, named('demo-bank'))).toMatchObject({ kind: 'partner', client: 'demo-bank', clientKey: null });
  });

  it('is first-party otherwise: our apps, unnamed clients, anonymous callers', () => {
    expect(callerOf(clients, viewer(), address, named('kabinet-web'))).toMatchObject({ kind: 'first-party', client: 'kabinet-web' });
    expect(callerOf(clients, viewer('kabinet-web'), address, headers({}))).toMatchObject({ kind: 'first-party', client: 'kabinet-web' });
    expect(callerOf(clients, null, address, headers({}))).toMatchObject({ kind: 'first-party', client: 'anonymous' });
    expect(callerOf(clients, null, address, named('some-script'))).toMatchObject({ kind: 'first-party', client: 'some-script' });
  });

  it('keeps only a short run of plain characters of what a header says', () => {
    expect(clientFromHeaders(headers({ 'apollographql-client-name': ' evil\nname {"x"} ', 'apollographql-client-version': 'v'.repeat(100) }))).toEqual({
      client: 'evil_name___x__',
      clientVersion: 'v'.repeat(32),
    });
    expect(clientFromHeaders(headers({ 'apollographql-client-name': 'x'.repeat(200) })).client).toHaveLength(64);
    expect(clientFromHeaders(headers({ 'apollographql-client-name': '   ' })).client).toBe('anonymous');
  });
});
