// The domain: what electricity and heat share.
export * from './access';
export * from './appeals';
export * from './billing/basis';
export * from './billing/charges';
export { basisReadingOf, billedConsumptionOf, loadBillingHistories } from './billing/history';
export { submissionHistoryReader } from './readings/history';
export * from './billing/run';
export { latestBilledPeriod } from './billing/order';
export { progressOf, type BillingProgress, type BillingRunRow } from './billing/progress';
export * from './billing/statement';
export * from './billing/tariffs';
export * from './bills/document';
export * from './calendar';
export * from './consumption';
export * from './labels';
export * from './ledger';
export * from './linking/service';
export { dayIn, monthIn } from './messages';
export { zoneLabels } from './zones';
export * from './meters';
export * from './reading-windows';
export * from './seed';
export * from './suppliers';
export * from './tables';

// Its GraphQL and HTTP face, and the subgraph module a utility is built with.
export * from './subgraph/billing-cli';
export * from './subgraph/context';
export * from './subgraph/events';
export * from './subgraph/loaders';
export * from './subgraph/module';
export * from './subgraph/permissions';
export * from './subgraph/resolvers';

/** The shared utility SDL (`UtilityAccount`, `Meter`, `Bill`, ...), included by electricity and heat. */
export const utilitySdlFile = new URL('../schema.graphql', import.meta.url);
/** The personal cabinet's shared SDL (ledger, linking, readings, e-receipts, appeals, billing runs). */
export const cabinetSdlFile = new URL('../cabinet.graphql', import.meta.url);
