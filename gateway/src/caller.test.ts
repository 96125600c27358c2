import { describe, expect, it } from 'vitest';
import { callerOf, clientFromHeaders } from './caller';

const headers = (values: Record<string, string>) => (name: string) => values[name];

describe('the caller of a request', () => {
  it('is the anonymous client without a header or a token client, counted by address', () => {
    expect(callerOf(null, '198.51.100.7', headers({}))).toEqual({
      client: 'anonymous',
      clientVersion: undefined,
      clientKey: 'named:anonymous',
      customerKey: 'ip:198.51.100.7',
    });
  });

  it('takes the client Apollo\'s headers name, and counts a logged-in caller by user', () => {
    const viewer = { userId: 'U1', role: 'CUSTOMER' as const, sessionId: 'S1' };
    const caller = callerOf(viewer, '198.51.100.7', headers({ 'apollographql-client-name': 'kabinet-web', 'apollographql-client-version': '2.4.0' }));
    expect(caller).toEqual({ client: 'kabinet-web', clientVersion: '2.4.0', clientKey: 'named:kabinet-web', customerKey: 'user:U1' });
  });

  it('prefers a delegated token\'s client to any header, and keeps its budget apart from a header naming it', () => {
    const viewer = { userId: 'U1', role: 'CUSTOMER' as const, sessionId: 'S1', clientId: 'budget-app', scopes: [] };
    expect(callerOf(viewer, '198.51.100.7', headers({ 'apollographql-client-name': 'other' }))).toMatchObject({ client: 'budget-app', clientKey: 'token:budget-app' });
    expect(callerOf(null, '198.51.100.7', headers({ 'apollographql-client-name': 'budget-app' }))).toMatchObject({ client: 'budget-app', clientKey: 'named:budget-app' });
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
