import { cabinetOperations as cabinet, utilityTypeResolvers } from '@kabinet/utility-core';
import { tariffQuote } from '../tariffs/quote';

/** Electricity's root fields are the shared cabinet's operations under their electricity names, plus the tariff calculator. */
export const resolvers = {
  ...utilityTypeResolvers({ accountType: 'ElectricityAccount', accountsField: 'electricityAccounts' }),
  Query: {
    electricitySuppliers: cabinet.suppliers,
    electricityAccount: cabinet.account,
    electricityAccountByNumber: cabinet.accountByNumber,
    electricityTariffQuote: tariffQuote,
    electricityAppeals: cabinet.appealsForStaff,
    electricityBillingRuns: cabinet.billingRuns,
  },
  Mutation: {
    linkElectricityAccount: cabinet.linkAccount,
    unlinkElectricityAccount: cabinet.unlinkAccount,
    issueElectricityLinkCode: cabinet.issueLinkCode,
    submitElectricityReadings: cabinet.submitReadings,
    submitElectricityReadingsAnonymously: cabinet.submitReadingsAnonymously,
    replaceElectricityMeter: cabinet.replaceMeter,
    runElectricityBilling: cabinet.runBilling,
    subscribeElectricityEReceipts: cabinet.subscribeEReceipts,
    confirmElectricityEReceipts: cabinet.confirmEReceipts,
    unsubscribeElectricityEReceipts: cabinet.unsubscribeEReceipts,
    createElectricityAppeal: cabinet.createAppeal,
    replyToElectricityAppeal: cabinet.replyToAppeal,
    closeElectricityAppeal: cabinet.closeAppeal,
  },
};
