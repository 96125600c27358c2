export * from './calendar';
export * from './consumption';
export * from './context';
export * from './held';
export * from './ledger';
export * from './loaders';
export * from './meters';
export * from './permissions';
export * from './reading-windows';
export * from './resolvers';
export * from './seed';
export * from './tables';

/** The shared utility SDL (`UtilityAccount`, `Meter`, `Bill`, ...), included by electricity and heat. */
export const utilitySdlFile = new URL('../schema.graphql', import.meta.url);
