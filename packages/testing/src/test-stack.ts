import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateTokenKeyPems, importTokenKeys, signAccessToken, verifyAccessToken, type Scope } from '@kabinet/auth';
import { createLogger, loadConfig, type Config, type DestinationStream, type SubgraphName } from '@kabinet/config';
import { openTestDatabase } from '@kabinet/db';
import { startStack, subgraphModules, type Stack } from '@kabinet/stack';
import { ManualClock, migrationsOf } from '@kabinet/subgraph';
import { graphqlRequest, type RequestOptions } from './client';
import { startMailbox, type Mailbox } from './mailbox';

export interface TestStack {
  stack: Stack;
  config: Config;
  mailbox: Mailbox;
  /** The domain clock every subgraph reads: it stands still until a test moves it. */
  clock: ManualClock;
  /** The gateway's GraphQL endpoint. */
  url: string;
  /** Sends an operation through the gateway, as a client app would. */
  gql: <TData = Record<string, any>>(query: string, options?: RequestOptions) => ReturnType<typeof graphqlRequest<TData>>;
  stop(): Promise<void>;
}

const loginMutation = `mutation Login($input: LoginInput!) { login(input: $input) { accessToken } }`;

/** Logs in through the gateway, as an app does, and gives the access token. */
export async function loginAs(t: TestStack, who: { email: string; password: string }): Promise<string> {
  const response = await t.gql<{ login: { accessToken: string } }>(loginMutation, { variables: { input: { email: who.email, password: who.password } } });
  if (!response.data?.login) throw new Error(`login as ${who.email} failed: ${JSON.stringify(response.errors)}`);
  return response.data.login.accessToken;
}

/**
 * A token a customer delegated to a partner app (`clientId`) with `scopes`, as the OAuth provider
 * issues it: for the user and the real session (so revocation checks pass) of `login` —
 * credentials to log in with, or a first-party access token already issued — signed with the
 * stack's keys.
 */
export async function delegatedToken(
  t: TestStack,
  options: { login: { email: string; password: string } | string; scopes: readonly Scope[]; clientId?: string },
): Promise<string> {
  const firstParty = typeof options.login === 'string' ? options.login : await loginAs(t, options.login);
  const viewer = await verifyAccessToken(t.stack.tokenKeys, firstParty);
  return signAccessToken(t.stack.tokenKeys, {
    userId: viewer.userId,
    role: viewer.role,
    sessionId: viewer.sessionId,
    clientId: options.clientId ?? 'demo-bank',
    scopes: options.scopes,
  });
}

export interface TestStackOptions {
  seedDemo?: boolean;
  env?: Record<string, string>;
  /**
   * Where the domain clock starts; demo data is seeded relative to it. Default: now, or
   * KABINET_TEST_NOW (an instant) to run the suites as on another day: a billing day, a month's
   * or a year's last hour in Kyiv.
   */
  now?: string | Date;
  /** Base URLs the gateway calls instead of a subgraph's own (a `FaultProxy` in front of it). */
  gatewayRoutes?: Partial<Record<SubgraphName, string>>;
  /** Where the stack's logs go, at level `info` (default: nowhere, unless LOG_LEVEL says otherwise). */
  logs?: DestinationStream;
}

/**
 * The whole federation in-process on free ports, over a fresh database (PGlite, or a new
 * database on DATABASE_URL), with mail captured by a real local SMTP server.
 */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const mailbox = await startMailbox();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kabinet-test-'));
  const keys = await generateTokenKeyPems();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    DATA_DIR: dataDir,
    SMTP_URL: mailbox.url,
    APP_URL: 'https://app.kabinet.test',
    JWT_PRIVATE_KEY: keys.privateKeyPem,
    JWT_PUBLIC_KEY: keys.publicKeyPem,
    GATEWAY_SECRET: randomBytes(32).toString('base64url'),
    // Off unless a test asks (e-receipts): a job's queries would blur statement counts.
    JOBS_INTERVAL_SECONDS: '0',
    // Tests poll and repeat far faster than people do: budgets out of their way, unless a test sets
    // its own (gateway/src/budget.e2e.ts). The per-operation maximum stays the product's.
    COST_BUDGET_PER_CUSTOMER: '100000000',
    COST_BUDGET_PER_CLIENT: '1000000000',
    // createCheckout waits this long for the utilities' confirmations before it answers
    // AWAITING_CONFIRMATION. Tests expect the decided answer; on a loaded CI runner the two relay
    // hops once took over the product's 3 s. A test of the undecided answer stops a utility.
    // The gateway's deadline for a subgraph's answer must leave room for that wait.
    CHECKOUT_CONFIRM_WAIT_MS: '10000',
    SUBGRAPH_TIMEOUT_MS: '15000',
    ...options.env,
  });
  const database = await openTestDatabase({ migrated: migrationsOf(subgraphModules) });
  const tokenKeys = await importTokenKeys({ ...config.auth, publicKeyPem: keys.publicKeyPem });
  const clock = new ManualClock(options.now ?? process.env.KABINET_TEST_NOW);
  const stack = await startStack({
    config,
    database,
    tokenKeys,
    ports: 'ephemeral',
    host: '127.0.0.1',
    seedDemo: options.seedDemo ?? true,
    logger: options.logs ? createLogger('info', 'kabinet', options.logs) : createLogger(config.logLevel),
    clock,
    gatewayRoutes: options.gatewayRoutes,
  });
  const url = stack.gateway.graphqlUrl.replace('localhost', '127.0.0.1');
  return {
    stack,
    config,
    mailbox,
    clock,
    url,
    gql: (query, requestOptions) => graphqlRequest(url, query, requestOptions),
    stop: async () => {
      await stack.stop();
      await database.close();
      await mailbox.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
