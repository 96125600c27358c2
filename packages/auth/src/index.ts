export * from './tokens';
export * from './gateway-secret';
export * from './config-keys';
export * from './signed-links';
export * from './session-revocations';
export * from './scopes';
