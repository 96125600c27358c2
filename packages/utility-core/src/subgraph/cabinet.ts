import { allow, firstPartyOnly, needsScope, publicField, readsAccountData, type RootFieldRule, type SubgraphResolvers } from '@kabinet/subgraph';
import { renamedFor, type UtilityNames } from './cabinet-sdl';
import type { MutationResolvers, QueryResolvers, Resolvers } from './generated/resolvers-types';
import { utilityTypePermissions } from './permissions';
import { neutralCabinetResolvers } from './resolvers';

/**
 * Who may try each root field of a utility's cabinet, under its neutral name in the generated
 * types (holder and staff checks are the services'; the types guard what comes back), and what
 * a partner app's delegated token needs for it: a scope, or nothing it can be given
 * (`firstPartyOnly`: staff tools, and whatever changes the login's accounts, mail or appeals).
 * Typed by them, so a field added to cabinet-account.graphql.template needs its rule here and
 * its resolver in `resolvers/operations.ts`, and one removed leaves neither behind.
 */
const rootFieldRules: { Query: Record<keyof QueryResolvers, RootFieldRule>; Mutation: Record<keyof MutationResolvers, RootFieldRule> } = {
  Query: {
    // The login's own accounts, as identity's `me` is the login's own data.
    me: needsScope('accounts:read'),
    // Public: a customer reads the suppliers' rules and prices before linking anything.
    cabinetSuppliers: publicField(),
    cabinetTariffQuote: publicField(),
    cabinetAccount: needsScope('accounts:read'),
    // Staff's.
    cabinetAccountByNumber: firstPartyOnly(),
    cabinetAppeals: firstPartyOnly(),
    cabinetBillingRuns: firstPartyOnly(),
  },
  Mutation: {
    linkCabinetAccount: firstPartyOnly(),
    unlinkCabinetAccount: firstPartyOnly(),
    issueCabinetLinkCode: firstPartyOnly(),
    submitCabinetReadings: needsScope('readings:write'),
    // Without a login on purpose: the account number and a check are the proof, and it is rate limited.
    submitCabinetReadingsAnonymously: publicField(),
    replaceCabinetMeter: firstPartyOnly(),
    runCabinetBilling: firstPartyOnly(),
    subscribeCabinetEReceipts: firstPartyOnly(),
    // The mailed token is the proof.
    confirmCabinetEReceipts: publicField(),
    unsubscribeCabinetEReceipts: firstPartyOnly(),
    createCabinetAppeal: firstPartyOnly(),
    replyToCabinetAppeal: firstPartyOnly(),
    closeCabinetAppeal: firstPartyOnly(),
  },
};

/** Payload types named after the utility: plain values, reached only through the guarded root fields. */
const payloadTypes = ['LinkCabinetAccountPayload', 'ReplaceCabinetMeterPayload'] satisfies (keyof Resolvers)[];

/** Fields under their neutral names, as one utility names them. */
const renamedFields = <T>(fields: Record<string, T>, rename: (name: string) => string): Record<string, T> =>
  Object.fromEntries(Object.entries(fields).map(([name, value]) => [rename(name), value]));

/** The cabinet's resolvers for one utility: its types' and its root fields'. */
export function cabinetResolvers(names: UtilityNames): SubgraphResolvers {
  const rename = renamedFor(names);
  const { CabinetAccount, User, Query, Mutation, ...types } = neutralCabinetResolvers;
  return {
    ...types,
    [rename('CabinetAccount')]: CabinetAccount,
    User: renamedFields(User, rename),
    Query: renamedFields(Query, rename),
    Mutation: renamedFields(Mutation, rename),
  };
}

/** The cabinet's shield rules for one utility: every type it declares and every root field. */
export function cabinetPermissions(names: UtilityNames) {
  const rename = renamedFor(names);
  return {
    ...utilityTypePermissions(names),
    Query: renamedFields(rootFieldRules.Query, rename),
    Mutation: renamedFields(rootFieldRules.Mutation, rename),
    ...Object.fromEntries(payloadTypes.map((type) => [rename(type), allow])),
    // The account and the readings guard themselves; the charge the readings bring is account data.
    [rename('SubmitCabinetReadingsPayload')]: { account: allow, readings: allow, preliminaryCharge: readsAccountData },
  };
}
