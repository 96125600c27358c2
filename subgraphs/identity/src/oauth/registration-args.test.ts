import { describe, expect, it } from 'vitest';
import { parseRegistration } from './registration-args';

describe('client:register arguments', () => {
  it('reads a partner with its scopes and redirect URIs', () => {
    expect(
      parseRegistration(['--id', 'acme-bank', '--name', 'Acme Bank', '--scope', 'accounts:read,payments:write', '--redirect-uri', 'https://acme.example/cb']),
    ).toEqual({
      registration: { clientId: 'acme-bank', name: 'Acme Bank', scopes: ['accounts:read', 'payments:write'], redirectUris: ['https://acme.example/cb'] },
    });
  });

  it.each([
    [['--id', 'Acme Bank', '--name', 'Acme', '--scope', 'accounts:read', '--redirect-uri', 'https://acme.example/cb'], /client id/],
    [['--id', 'acme', '--name', 'Acme', '--scope', 'everything', '--redirect-uri', 'https://acme.example/cb'], /unknown scope everything/],
    [['--id', 'acme', '--name', 'Acme', '--scope', 'accounts:read'], /redirect URIs/],
    [['--id', 'acme', '--name', 'Acme', '--scope', 'accounts:read', '--redirect-uri', 'https://acme.example/cb#x'], /fragment/],
    [['--id', 'acme', '--name', 'Acme', '--kind', 'PARTNER', '--scope', 'accounts:read', '--redirect-uri', 'https://acme.example/cb'], /Unknown option .--kind/],
    [['--id', 'acme', '--secret', 'x'], /Unknown option/],
  ])('refuses %j', (argv, problem) => {
    const parsed = parseRegistration(argv);
    expect('problem' in parsed && parsed.problem).toMatch(problem);
  });

  it('refuses the name of one of Kabinet\'s own apps', () => {
    const parsed = parseRegistration(['--id', 'kabinet-web', '--name', 'Not us', '--scope', 'accounts:read', '--redirect-uri', 'https://evil.example/cb'], ['kabinet-web', 'kabinet-mobile']);
    expect('problem' in parsed && parsed.problem).toMatch(/kabinet-web is one of Kabinet's own apps/);
  });
});
