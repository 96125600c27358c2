export * from './access';
export * from './appeals';
export * from './billing/basis';
export * from './billing/charges';
export * from './billing/cli';
export * from './billing/run';
export * from './billing/statement';
export * from './bills/document';
export * from './calendar';
export * from './consumption';
export * from './context';
export * from './events';
export * from './labels';
export * from './ledger';
export * from './linking/service';
export * from './loaders';
export { dayIn, monthIn } from './messages';
export * from './meters';
export * from './permissions';
export * from './reading-windows';
export * from './resolvers';
export * from './seed';
export * from './suppliers';
export * from './tables';
export * from './utility-module';

/** The shared utility SDL (`UtilityAccount`, `Meter`, `Bill`, ...), included by electricity and heat. */
export const utilitySdlFile = new URL('../schema.graphql', import.meta.url);
/** The personal cabinet's shared SDL (ledger, linking, readings, e-receipts, appeals, billing runs). */
export const cabinetSdlFile = new URL('../cabinet.graphql', import.meta.url);
