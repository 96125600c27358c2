import { allow, isAuthenticated } from '@kabinet/subgraph';
import { utilityTypePermissions } from '@kabinet/utility-core';

/**
 * Deny by default (the kit's fallback); every type of the schema is ruled here. Root fields
 * only say who may try: holder and staff checks are the services' (`ensureHolder`,
 * `ensureStaff`), and the types guard what comes back.
 */
export const permissions = {
  ...utilityTypePermissions('ElectricityAccount'),
  Query: {
    electricitySuppliers: allow,
    electricityTariffQuote: allow,
    electricityAccount: isAuthenticated,
    electricityAccountByNumber: isAuthenticated,
    electricityAppeals: isAuthenticated,
    electricityBillingRuns: isAuthenticated,
  },
  Mutation: {
    linkElectricityAccount: isAuthenticated,
    unlinkElectricityAccount: isAuthenticated,
    issueElectricityLinkCode: isAuthenticated,
    submitElectricityReadings: isAuthenticated,
    // Without a login on purpose: the account number and a check are the proof, and it is rate limited.
    submitElectricityReadingsAnonymously: allow,
    replaceElectricityMeter: isAuthenticated,
    runElectricityBilling: isAuthenticated,
    subscribeElectricityEReceipts: isAuthenticated,
    // The mailed token is the proof.
    confirmElectricityEReceipts: allow,
    unsubscribeElectricityEReceipts: isAuthenticated,
    createElectricityAppeal: isAuthenticated,
    replyToElectricityAppeal: isAuthenticated,
    closeElectricityAppeal: isAuthenticated,
  },
  LinkElectricityAccountPayload: allow,
  SubmitElectricityReadingsPayload: allow,
  ReplaceElectricityMeterPayload: allow,
};
