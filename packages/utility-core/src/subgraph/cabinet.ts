import { readFileSync } from 'node:fs';
import { allow, isAuthenticated, parseSdl, sharedSdlFiles } from '@kabinet/subgraph';
import type { DocumentNode } from 'graphql';
import type { IRules } from 'graphql-shield';
import type { UtilityContext } from './context';
import { utilityTypePermissions } from './permissions';
import { cabinetOperations as operations, utilityTypeResolvers } from './resolvers';

/** How one utility names its cabinet: `{ Utility: 'Electricity', utility: 'electricity', utilityWords: 'electricity' }`. */
export interface UtilityNames {
  /** In type and field names, capitalised: `HeatAccount`, `linkHeatAccount`. */
  Utility: string;
  /** In field names, lower case: `heatAccounts`, `heatSuppliers`. */
  utility: string;
  /** In descriptions: "A heat & hot-water supplier's account". */
  utilityWords: string;
}

type Resolver = (parent: unknown, args: never, context: UtilityContext) => unknown;
type RootField = [resolve: Resolver, rule: IRules];

/**
 * Every root field of a utility's cabinet, by its name in cabinet-account.graphql.template:
 * what answers it and who may try (holder and staff checks are the services'; the types guard
 * what comes back). BEWARE: a field added to the template needs its line here, and the other
 * way round; `cabinet.test.ts` checks both.
 */
const rootFields: Record<'Query' | 'Mutation', Record<string, RootField>> = {
  Query: {
    // Public: a customer reads the suppliers' rules and prices before linking anything.
    '{{utility}}Suppliers': [operations.suppliers as Resolver, allow],
    '{{utility}}TariffQuote': [operations.tariffQuote as Resolver, allow],
    '{{utility}}Account': [operations.account as Resolver, isAuthenticated],
    '{{utility}}AccountByNumber': [operations.accountByNumber as Resolver, isAuthenticated],
    '{{utility}}Appeals': [operations.appealsForStaff as Resolver, isAuthenticated],
    '{{utility}}BillingRuns': [operations.billingRuns as Resolver, isAuthenticated],
  },
  Mutation: {
    'link{{Utility}}Account': [operations.linkAccount as Resolver, isAuthenticated],
    'unlink{{Utility}}Account': [operations.unlinkAccount as Resolver, isAuthenticated],
    'issue{{Utility}}LinkCode': [operations.issueLinkCode as Resolver, isAuthenticated],
    'submit{{Utility}}Readings': [operations.submitReadings as Resolver, isAuthenticated],
    // Without a login on purpose: the account number and a check are the proof, and it is rate limited.
    'submit{{Utility}}ReadingsAnonymously': [operations.submitReadingsAnonymously as Resolver, allow],
    'replace{{Utility}}Meter': [operations.replaceMeter as Resolver, isAuthenticated],
    'run{{Utility}}Billing': [operations.runBilling as Resolver, isAuthenticated],
    'subscribe{{Utility}}EReceipts': [operations.subscribeEReceipts as Resolver, isAuthenticated],
    // The mailed token is the proof.
    'confirm{{Utility}}EReceipts': [operations.confirmEReceipts as Resolver, allow],
    'unsubscribe{{Utility}}EReceipts': [operations.unsubscribeEReceipts as Resolver, isAuthenticated],
    'create{{Utility}}Appeal': [operations.createAppeal as Resolver, isAuthenticated],
    'replyTo{{Utility}}Appeal': [operations.replyToAppeal as Resolver, isAuthenticated],
    'close{{Utility}}Appeal': [operations.closeAppeal as Resolver, isAuthenticated],
  },
};

/** Payload types named after the utility: plain values, reached only through the guarded root fields. */
const payloadTypes = ['Link{{Utility}}AccountPayload', 'Submit{{Utility}}ReadingsPayload', 'Replace{{Utility}}MeterPayload'];

const template = readFileSync(new URL('../../cabinet-account.graphql.template', import.meta.url), 'utf8');

function fill(text: string, names: UtilityNames): string {
  return text.replace(/\{\{(Utility|utility|utilityWords)\}\}/g, (_match, key: keyof UtilityNames) => names[key]);
}

/** The cabinet's SDL for one utility: its account type, its `User` field and its root fields. */
export function cabinetSdl(names: UtilityNames): string {
  return fill(template.replace(/^#.*\n/gm, ''), names);
}

const utilitySdlFiles = [new URL('../../schema.graphql', import.meta.url), new URL('../../cabinet.graphql', import.meta.url)];

/**
 * A utility subgraph's whole SDL: its own file (the `@link` to federation and what only this
 * utility has), the shared utility and cabinet shapes, the cabinet declared for it, and the
 * shapes every subgraph shares.
 */
export function utilityTypeDefs(ownSdlFile: URL, names: UtilityNames): DocumentNode {
  const own = readFileSync(ownSdlFile, 'utf8');
  return parseSdl(...utilitySdlFiles, ...sharedSdlFiles, { sdl: `${own}\n${cabinetSdl(names)}` });
}

const rename = <T>(fields: Record<string, T>, names: UtilityNames) =>
  Object.fromEntries(Object.entries(fields).map(([name, value]) => [fill(name, names), value]));

const pick = <T>(fields: Record<string, RootField>, which: 0 | 1, names: UtilityNames) =>
  rename(Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, field[which]])), names) as Record<string, T>;

/** The cabinet's resolvers for one utility: its types' and its root fields'. */
export function cabinetResolvers(names: UtilityNames) {
  return {
    ...utilityTypeResolvers({ accountType: `${names.Utility}Account`, accountsField: `${names.utility}Accounts` }),
    Query: pick<Resolver>(rootFields.Query, 0, names),
    Mutation: pick<Resolver>(rootFields.Mutation, 0, names),
  };
}

/** The cabinet's shield rules for one utility: every type it declares and every root field. */
export function cabinetPermissions(names: UtilityNames) {
  return {
    ...utilityTypePermissions(`${names.Utility}Account`),
    Query: pick<IRules>(rootFields.Query, 1, names),
    Mutation: pick<IRules>(rootFields.Mutation, 1, names),
    ...Object.fromEntries(payloadTypes.map((type) => [fill(type, names), allow])),
  };
}
