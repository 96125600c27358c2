import type * as Oidc from 'oidc-provider';

let loading: Promise<typeof Oidc> | undefined;

/**
 * oidc-provider, imported on the first OAuth request rather than at start: loading it takes a
 * third of a second of every start of identity, which serves partners only now and then. Only an
 * `import()` of the package itself stays lazy once the service is bundled.
 */
export const loadOidcProvider = (): Promise<typeof Oidc> => (loading ??= import('oidc-provider'));
