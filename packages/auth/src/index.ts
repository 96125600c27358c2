export * from './tokens';
export * from './gateway-secret';
