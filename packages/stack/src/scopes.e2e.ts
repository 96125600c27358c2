import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gatewaySecretHeader, scopes, signAccessToken, subgraphSecret, verifyAccessToken, type Scope } from '@kabinet/auth';
import { repoRoot } from '@kabinet/config';
import { demoOperators, demoUsers, stableId } from '@kabinet/demo';
import { electricitySpec } from '@kabinet/electricity';
import { heatSpec } from '@kabinet/heat';
import { identityPermissions } from '@kabinet/identity';
import { paymentsPermissions } from '@kabinet/payments';
import { rootFieldAccessOf, type RootFieldAccess } from '@kabinet/subgraph';
import { delegatedToken, expectNoGraphQLErrors, graphqlRequest, loginAs, startTestStack, type GraphQLResponse, type TestStack } from '@kabinet/testing';
import { utilitySchemaParts } from '@kabinet/utility-core';
import {
  buildASTSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  Kind,
  parse,
  type ConstDirectiveNode,
  type GraphQLField,
  type GraphQLInputType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A delegated token (one a customer gave a partner app) may do what its scopes cover and nothing
 * a first-party session alone may do; every root field of the supergraph is tried with and
 * without what it needs, so a new field is covered the day it is composed.
 */

// 1 December 2026, 10:00 in Kyiv: November's reading windows are open for electricity (1–5 December) and heat (24 November – 1 December).
const december1 = '2026-12-01T08:00:00Z';

const supergraphSdl = readFileSync(path.join(repoRoot, 'schema/supergraph.graphql'), 'utf8');
const supergraph = buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true });

/** Each subgraph's shield rules, by the name the supergraph's `@join__field(graph:)` and `@join__type(graph:)` give it. */
const permissionsOf: Record<string, unknown> = {
  ELECTRICITY: utilitySchemaParts(electricitySpec).permissions,
  HEAT: utilitySchemaParts(heatSpec).permissions,
  IDENTITY: identityPermissions,
  PAYMENTS: paymentsPermissions,
};

type RootType = 'Query' | 'Mutation';

/** The graphs a directive (`join__field`, `join__type`) names on a supergraph node. */
const graphsNamed = (directives: readonly ConstDirectiveNode[] | undefined, name: string) =>
  (directives ?? [])
    .filter((directive) => directive.name.value === name)
    .map((directive) => directive.arguments?.find((argument) => argument.name.value === 'graph')?.value)
    .map((graph) => (graph?.kind === Kind.ENUM ? graph.value : undefined));

/**
 * What a delegated token needs for a root field, as every subgraph resolving it declares it: the
 * one its `@join__field` names, or, for a field each subgraph answers its part of (`me`, no
 * `@join__field`), every subgraph of the root type, which must all declare the same.
 */
function declaredAccess(type: RootType, field: GraphQLField<unknown, unknown>): RootFieldAccess | undefined {
  const fieldGraphs = graphsNamed(field.astNode?.directives, 'join__field');
  const graphs = fieldGraphs.length > 0 ? fieldGraphs : graphsNamed(supergraph.getType(type)?.astNode?.directives, 'join__type');
  const declared = graphs.map((graph) => rootFieldAccessOf((permissionsOf[graph ?? ''] as Record<string, Record<string, unknown>> | undefined)?.[type]?.[field.name]));
  return declared.length > 0 && declared.every((access) => access === declared[0]) ? declared[0] : undefined;
}

const placeholderId = '00000000-0000-4000-8000-000000000000';
const scalarPlaceholders: Record<string, unknown> = { ID: placeholderId, String: 'x', Int: 1, Float: 1, Boolean: false, Date: '2026-12-01', DateTime: '2026-12-01T08:00:00Z' };

/** A value of the right type for a required argument: required input fields filled, lists of one. */
function placeholder(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return placeholder(type.ofType);
  if (isListType(type)) return [placeholder(type.ofType)];
  if (isInputObjectType(type)) {
    const required = Object.values(type.getFields()).filter((field) => isNonNullType(field.type) && field.defaultValue === undefined);
    return Object.fromEntries(required.map((field) => [field.name, placeholder(field.type)]));
  }
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (!(type.name in scalarPlaceholders)) throw new Error(`no placeholder for the scalar ${type.name}: add one`);
  return scalarPlaceholders[type.name];
}

/** The smallest valid operation calling `field`: required arguments as variables, `__typename` selected. */
function minimalOperation(type: RootType, field: GraphQLField<unknown, unknown>) {
  const required = field.args.filter((argument) => isNonNullType(argument.type) && argument.defaultValue === undefined);
  const declarations = required.map((argument) => `$${argument.name}: ${String(argument.type)}`).join(', ');
  const passed = required.map((argument) => `${argument.name}: $${argument.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return {
    query: `${type === 'Query' ? 'query' : 'mutation'} Probe${declarations ? `(${declarations})` : ''} { ${field.name}${passed ? `(${passed})` : ''}${selection} }`,
    variables: Object.fromEntries(required.map((argument) => [argument.name, placeholder(argument.type)])),
  };
}

const rootFields = (['Query', 'Mutation'] as const).flatMap((type) =>
  Object.values((type === 'Query' ? supergraph.getQueryType() : supergraph.getMutationType())!.getFields()).map((field) => ({ type, field })),
);

const reasons = (response: GraphQLResponse) => (response.errors ?? []).map((error) => error.extensions?.reason).filter((reason) => reason !== undefined);
const delegationRefusals = (response: GraphQLResponse) => reasons(response).filter((reason) => reason === 'MISSING_SCOPE' || reason === 'FIRST_PARTY_ONLY');

/** A refusal of a delegated token for `reason`, with nothing of the field in `data`. */
function expectRefusedFor(response: GraphQLResponse, reason: 'MISSING_SCOPE' | 'FIRST_PARTY_ONLY', requiredScope?: Scope) {
  const body = JSON.stringify(response);
  const refusal = response.errors?.find((error) => error.extensions?.reason === reason);
  expect(refusal, body).toBeDefined();
  expect(refusal!.extensions).toMatchObject({ code: 'FORBIDDEN', reason, ...(requiredScope ? { requiredScope } : {}) });
  expect(body).not.toMatch(/stacktrace|\bat .+\.(ts|js):\d+/);
  return refusal!;
}

/**
 * Delegated tokens issued to Kabinet's own web app: the gateway lets a first-party app send
 * free text, so any root field can be tried here. A partner's token sends only its manifest's
 * ids (persisted-queries.e2e.ts); the subgraphs' scope rules are the same for both.
 */
const firstPartyApp = 'kabinet-web';

const allBut = (scope: Scope) => scopes.filter((candidate) => candidate !== scope);

describe('delegated tokens and scopes, field by field', () => {
  let t: TestStack;
  let firstParty: string;
  const tokens = {} as { none: string; all: string; only: Record<Scope, string>; without: Record<Scope, string> };

  beforeAll(async () => {
    t = await startTestStack({ now: december1 });
    // The neighbour's login: placeholders never touch the demo holder's data the explicit tests read.
    firstParty = await loginAs(t, demoUsers.second);
    const delegate = (granted: readonly Scope[]) => delegatedToken(t, { login: firstParty, scopes: granted, clientId: firstPartyApp });
    tokens.none = await delegate([]);
    tokens.all = await delegate(scopes);
    tokens.only = Object.fromEntries(await Promise.all(scopes.map(async (scope) => [scope, await delegate([scope])]))) as Record<Scope, string>;
    tokens.without = Object.fromEntries(await Promise.all(scopes.map(async (scope) => [scope, await delegate(allBut(scope))]))) as Record<Scope, string>;
  });
  afterAll(() => t?.stop());

  it('finds the root fields in the supergraph, and every one declares what a delegated token needs', () => {
    expect(rootFields.length).toBeGreaterThan(40);
    const undeclared = rootFields.filter(({ type, field }) => declaredAccess(type, field) === undefined).map(({ type, field }) => `${type}.${field.name}`);
    expect(undeclared).toEqual([]);
  });

  it.each(rootFields.map(({ type, field }) => [`${type}.${field.name}`, type, field] as const))('%s', async (_name, type, field) => {
    const access = declaredAccess(type, field)!;
    const { query, variables } = minimalOperation(type, field);
    const as = (token: string) => t.gql(query, { token, variables });

    if (access === 'public') {
      const response = await as(tokens.none);
      expect(delegationRefusals(response), JSON.stringify(response)).toEqual([]);
    } else if (access === 'firstPartyOnly') {
      const refused = await as(tokens.all);
      expectRefusedFor(refused, 'FIRST_PARTY_ONLY');
      expect(refused.data?.[field.name] ?? null).toBeNull();
      const allowed = await as(firstParty);
      expect(delegationRefusals(allowed), JSON.stringify(allowed)).toEqual([]);
    } else {
      const refused = await as(tokens.without[access]);
      expectRefusedFor(refused, 'MISSING_SCOPE', access);
      expect(refused.data?.[field.name] ?? null).toBeNull();
      const allowed = await as(tokens.only[access]);
      expect(delegationRefusals(allowed), JSON.stringify(allowed)).toEqual([]);
    }
  });
});

const demoAccount = (utility: 'electricity' | 'heat', supplierCode: string, accountNumber: string) => stableId(`${utility}:${supplierCode}:${accountNumber}`);
const kyivEnergo = demoAccount('electricity', 'kyiv-energo', '10234567');
const kyivTeplo = demoAccount('heat', 'kyiv-teplo', '260114400118700');

const createCheckout = `mutation Pay($input: CreateCheckoutInput!) {
  createCheckout(input: $input) { id status total { amount currency } paymentUrl items { utility accountId amount { amount } supplierName accountNumber } }
}`;
const paymentsOf = `{ me { payments(first: 50) { edges { node { id } } } } }`;
const dashboard = readFileSync(path.join(repoRoot, 'schema/operations/Dashboard.graphql'), 'utf8');
const metersOf = (utility: 'electricity' | 'heat') => `query ($id: ID!) { account: ${utility}Account(id: $id) { meters { id zones latestReading { value } latestReadings { zone value } } } }`;
const submit = (utility: 'Electricity' | 'Heat', selection: string) =>
  `mutation ($input: SubmitReadingsInput!) { submit${utility}Readings(input: $input) { ${selection} } }`;

describe('the scopes a partner app asks for, as the issue words them', () => {
  let t: TestStack;
  let firstParty: string;
  const as = (token: string, query: string, variables: Record<string, unknown> = {}) => t.gql(query, { token, variables });
  const delegate = (granted: readonly Scope[]) => delegatedToken(t, { login: firstParty, scopes: granted, clientId: firstPartyApp });

  beforeAll(async () => {
    t = await startTestStack({ now: december1 });
    firstParty = await loginAs(t, demoUsers.demo);
  });
  afterAll(() => t?.stop());

  const checkoutInput = () => ({
    items: [
      { utility: 'ELECTRICITY', accountId: kyivEnergo, amount: '120.00' },
      { utility: 'HEAT', accountId: kyivTeplo, amount: '300.00' },
    ],
    provider: 'LIQPAY',
    idempotencyKey: `key-${crypto.randomUUID()}`,
    returnUrl: `${t.stack.gateway.url.replace('localhost', '127.0.0.1')}/payments/return`,
  });
  const checkoutCount = async () => expectNoGraphQLErrors(await as(firstParty, paymentsOf)).me.payments.edges.length;

  it('refuses createCheckout without payments:write and creates nothing; with it the app pays and reads the checkout it created', async () => {
    const before = await checkoutCount();
    const refused = await as(await delegate(['accounts:read', 'readings:write']), createCheckout, { input: checkoutInput() });
    expectRefusedFor(refused, 'MISSING_SCOPE', 'payments:write');
    expect(refused.data).toBeNull();
    expect(await checkoutCount()).toBe(before);

    const payer = await delegate(['payments:write']);
    const created = expectNoGraphQLErrors(await as(payer, createCheckout, { input: checkoutInput() })).createCheckout;
    expect(created).toMatchObject({ status: 'PENDING', total: { amount: '420.00', currency: 'UAH' } });
    expect(created.paymentUrl).toContain('/api/3/checkout?data=');
    expect(created.items.map((item: { accountId: string }) => item.accountId)).toEqual([kyivEnergo, kyivTeplo]);
    expect(await checkoutCount()).toBe(before + 1);

    // Reading it again later, or the payer's other checkouts, is reading account data.
    expectRefusedFor(await as(payer, `query ($id: ID!) { checkout(id: $id) { id status } }`, { id: created.id }), 'MISSING_SCOPE', 'accounts:read');
    const reader = await delegate(['accounts:read']);
    expect(expectNoGraphQLErrors(await as(reader, `query ($id: ID!) { checkout(id: $id) { id status } }`, { id: created.id })).checkout).toEqual({ id: created.id, status: 'PENDING' });
  });

  it.each([
    ['Electricity', 'electricity', kyivEnergo],
    ['Heat', 'heat', kyivTeplo],
  ] as const)('refuses submitting %s readings without readings:write; with it the reading is stored and only what was submitted comes back', async (Utility, utility, accountId) => {
    const [meter] = expectNoGraphQLErrors(await as(firstParty, metersOf(utility), { id: accountId })).account.meters as { id: string; zones: string[]; latestReadings: { zone: string; value: string }[] }[];
    const readings = meter!.zones.map((zone) => {
      const last = meter!.latestReadings.find((reading) => reading.zone === zone)?.value ?? '0';
      return { meterId: meter!.id, zone, value: (Number(last) + 1).toFixed(3) };
    });
    const input = { accountId, readings, confirmUnusual: true };
    const latestNow = async () => expectNoGraphQLErrors(await as(firstParty, metersOf(utility), { id: accountId })).account.meters[0].latestReadings;
    const before = await latestNow();

    const refused = await as(await delegate(['accounts:read', 'payments:write']), submit(Utility, 'readings { zone value }'), { input });
    expectRefusedFor(refused, 'MISSING_SCOPE', 'readings:write');
    expect(refused.data).toBeNull();
    expect(await latestNow()).toEqual(before);

    const writer = await delegate(['readings:write']);
    const answer = expectNoGraphQLErrors(await as(writer, submit(Utility, 'readings { zone value period source }'), { input }))[`submit${Utility}Readings`];
    // Kept as the app's, not as the holder's own submission in Kabinet.
    expect(answer.readings.map((reading: { source: string }) => reading.source)).toEqual(readings.map(() => 'PARTNER_APP'));
    expect(answer.readings.map(({ zone, value }: { zone: string; value: string }) => ({ zone, value: Number(value) }))).toEqual(
      readings.map(({ zone, value }) => ({ zone, value: Number(value) })),
    );
    expect(answer.readings.every((reading: { period: string }) => reading.period === '2026-11')).toBe(true);
    expect((await latestNow()).map(({ zone, value }: { zone: string; value: string }) => ({ zone, value: Number(value) }))).toEqual(
      expect.arrayContaining(readings.map(({ zone, value }) => ({ zone, value: Number(value) }))),
    );

    // The rest of the answer is account data: the account and the charge the readings bring.
    const nosy = await as(writer, submit(Utility, 'readings { zone } preliminaryCharge { total { amount } }'), { input });
    expectRefusedFor(nosy, 'MISSING_SCOPE', 'accounts:read');
    expect(JSON.stringify(nosy.data ?? null)).not.toContain('amount');
    const nosier = await as(writer, submit(Utility, 'account { accountNumber balance { amount } }'), { input });
    expectRefusedFor(nosier, 'MISSING_SCOPE', 'accounts:read');
    expect(nosier.data).toBeNull();
  });

  it('answers the Dashboard in full with accounts:read, as to Kabinet itself; refuses me without it', async () => {
    const own = expectNoGraphQLErrors(await as(firstParty, dashboard));
    expect(own.me.electricityAccounts.length).toBeGreaterThan(0);
    expect(own.me.heatAccounts.length).toBeGreaterThan(0);
    expect(expectNoGraphQLErrors(await as(await delegate(['accounts:read']), dashboard))).toEqual(own);

    for (const granted of [[], ['readings:write', 'payments:write']] as Scope[][]) {
      const refused = await as(await delegate(granted), dashboard);
      expectRefusedFor(refused, 'MISSING_SCOPE', 'accounts:read');
      expect(refused.data).toBeNull();
      expect(JSON.stringify(refused)).not.toContain(demoUsers.demo.email);
    }
  });

  it('refuses account data reached through _entities (as the gateway reaches it) without accounts:read', async () => {
    const entities = (subgraph: 'electricity' | 'payments' | 'identity', token: string, representations: unknown[], selection: string) =>
      graphqlRequest(
        `${t.stack.subgraphs[subgraph].url}/graphql`,
        `query ($representations: [_Any!]!) { _entities(representations: $representations) { ${selection} } }`,
        { token, variables: { representations }, headers: { [gatewaySecretHeader]: subgraphSecret(t.stack.gatewaySecret, subgraph) } },
      );
    const created = expectNoGraphQLErrors(await as(firstParty, createCheckout, { input: checkoutInput() })).createCheckout;
    const reaches = [
      ['electricity', [{ __typename: 'ElectricityAccount', id: kyivEnergo }], '... on ElectricityAccount { accountNumber balance { amount } }'],
      ['electricity', [{ __typename: 'User', id: demoUsers.demo.id }], '... on User { electricityAccounts { accountNumber } }'],
      ['payments', [{ __typename: 'User', id: demoUsers.demo.id }], '... on User { payments(first: 5) { edges { node { id } } } }'],
      ['payments', [{ __typename: 'Checkout', id: created.id }], '... on Checkout { id status items { accountNumber } }'],
      ['identity', [{ __typename: 'User', id: demoUsers.demo.id }], '... on User { email }'],
    ] as const;
    const without = await delegate(['readings:write', 'payments:write']);
    const withIt = await delegate(['accounts:read']);
    for (const [subgraph, representations, selection] of reaches) {
      const refused = await entities(subgraph, without, [...representations], selection);
      expectRefusedFor(refused, 'MISSING_SCOPE', 'accounts:read');
      expect(JSON.stringify(refused.data ?? null), `${subgraph} ${selection}`).not.toMatch(/10234567|demo@kabinet|"id":"[^"]+"/);
      expectNoGraphQLErrors(await entities(subgraph, withIt, [...representations], selection));
    }
  });

  it('refuses appeals, linking and the login\'s own settings to a token holding every scope', async () => {
    // An appeal to be refused: an empty list would check nothing.
    expectNoGraphQLErrors(
      await as(firstParty, `mutation ($input: CreateAppealInput!) { createElectricityAppeal(input: $input) { appeal { id } } }`, {
        input: { accountId: kyivEnergo, kind: 'QUESTION', subject: 'Чому такий рахунок', body: 'Прошу пояснити' },
      }),
    );
    const everything = await delegate(scopes);
    const attempts = [
      [`{ electricityAccount(id: "${kyivEnergo}") { appeals { id subject } } }`, {}],
      [`mutation ($input: CreateAppealInput!) { createElectricityAppeal(input: $input) { appeal { id } } }`, { input: { accountId: kyivEnergo, kind: 'QUESTION', subject: 'Питання', body: 'Текст' } }],
      [`mutation ($input: AccountIdInput!) { unlinkHeatAccount(input: $input) { accountId } }`, { input: { accountId: kyivTeplo } }],
      [`mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { user { displayName } } }`, { input: { displayName: 'Partner' } }],
    ] as const;
    for (const [query, variables] of attempts) expectRefusedFor(await as(everything, query, { ...variables }), 'FIRST_PARTY_ONLY');
    // Nothing changed: the account is still held and the name is the demo holder's.
    const me = expectNoGraphQLErrors(await as(firstParty, `{ me { displayName heatAccounts { id } } }`)).me;
    expect(me.displayName).toBe(demoUsers.demo.displayName);
    expect(me.heatAccounts.map((account: { id: string }) => account.id)).toContain(kyivTeplo);
  });

  it('refuses a delegated token naming staff: partners act for customers only', async () => {
    const operator = await verifyAccessToken(t.stack.tokenKeys, await loginAs(t, demoOperators.kyivEnergo));
    const forged = await signAccessToken(t.stack.tokenKeys, { ...operator, clientId: 'demo-bank', scopes });
    const response = await as(forged, `{ electricityBillingRuns { id } }`);
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
  });

  it('tells the refusal in the customer\'s language, with the same code and reason', async () => {
    const response = await t.gql(`{ me { email } }`, { token: await delegate([]), headers: { 'accept-language': 'uk' } });
    const refusal = expectRefusedFor(response, 'MISSING_SCOPE', 'accounts:read');
    expect(refusal.message).toContain('потрібен дозвіл "accounts:read"');
  });
});
