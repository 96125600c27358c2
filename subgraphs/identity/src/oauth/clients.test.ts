import { describe, expect, it } from 'vitest';
import { clientMetadata, redirectUriProblem, registrationProblem, type OAuthClientRow } from './clients';

const partner = { clientId: 'acme-bank', name: 'Acme Bank', scopes: ['accounts:read' as const] };
const row = (redirectUris: string[]): OAuthClientRow => ({ ...partner, redirectUris, tokenEndpointAuthMethod: 'none', createdAt: new Date() });

describe('redirect URIs a code may be sent to', () => {
  it.each([
    'https://acme.example/kabinet/callback',
    'http://127.0.0.1:4100/callback',
    'http://[::1]:4100/callback',
    'http://localhost:4100/callback',
    'com.acme.bank:/oauth/callback',
    'ua.example.kabinet-app:/cb',
  ])('accepts %s', (uri) => {
    expect(redirectUriProblem(uri)).toBeNull();
    expect(registrationProblem({ ...partner, redirectUris: [uri] })).toBeNull();
  });

  it.each([
    ['http://acme.example/callback', /http only on loopback/],
    ['http://192.168.1.10/callback', /http only on loopback/],
    ['http://127.0.0.1.attacker.example/callback', /http only on loopback/],
    ['kabinet:/oauth/callback', /reverse-domain/],
    ['javascript:alert(1)', /reverse-domain/],
    ['data:text/html,hi', /reverse-domain/],
    ['file:///etc/passwd', /reverse-domain/],
    ['https://acme.example/cb#x', /fragment/],
    ['/relative/callback', /absolute/],
  ])('refuses %s', (uri, problem) => {
    expect(redirectUriProblem(uri)).toMatch(problem);
    expect(registrationProblem({ ...partner, redirectUris: ['https://acme.example/cb', uri] })).toMatch(problem);
  });
});

describe('the client as oidc-provider reads it', () => {
  it('is a web app, its loopback redirect matched with its port, unless it has a private-use scheme', () => {
    expect(clientMetadata(row(['http://127.0.0.1:4100/callback'])).application_type).toBe('web');
    expect(clientMetadata(row(['https://acme.example/cb', 'http://localhost:4100/cb'])).application_type).toBe('web');
    expect(clientMetadata(row(['com.acme.bank:/cb', 'http://127.0.0.1/cb'])).application_type).toBe('native');
  });
});
