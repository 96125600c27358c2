import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';

/** Repository root: `.data/` and the checked-in supergraph are found from here. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

/** Fixed development ports (gateway 4000, subgraphs 4001–4004). */
export const defaultPorts = { gateway: 4000, identity: 4001, electricity: 4002, heat: 4003, payments: 4004, liqpaySandbox: 4010 } as const;
/** LiqPay's checkout page unless configured: the local sandbox, which `pnpm start` runs. */
export const localSandboxCheckoutUrl = `http://localhost:${defaultPorts.liqpaySandbox}/api/3/checkout`;
export type SubgraphName = 'identity' | 'electricity' | 'heat' | 'payments';
export const subgraphNames: readonly SubgraphName[] = ['identity', 'electricity', 'heat', 'payments'];

// BEWARE: keep in sync with the README's table of variables and docker-compose.yml
// (packages/testing checks the compose file against this schema).
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default(path.join(repoRoot, '.data')),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  // database
  DATABASE_URL: optionalString,
  // Few connections a process: queries beyond them are pipelined on a busy connection (postgres-js),
  // which costs the server far less than waking a backend of its own for each (`pnpm bench
  // readings`: with 4 instead of 10, PostgreSQL's CPU a submission fell by a fifth, the subgraph's
  // throughput rose by a fifth). A billing run's batches take one each (--concurrency, 2).
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).default(4),
  // redis
  REDIS_URL: optionalString,
  // smtp
  SMTP_URL: optionalString,
  MAIL_FROM: z.string().default('Kabinet <no-reply@kabinet.dev>'),
  APP_URL: z.url().default('http://localhost:4000'),
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  // auth
  JWT_PRIVATE_KEY: optionalString,
  JWT_PUBLIC_KEY: optionalString,
  JWT_ISSUER: z.string().default('kabinet'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(30 * 24 * 3600),
  GATEWAY_SECRET: optionalString,
  SESSION_CHECK_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  // gateway
  IDENTITY_URL: z.url().default(`http://127.0.0.1:${defaultPorts.identity}/graphql`),
  ELECTRICITY_URL: z.url().default(`http://127.0.0.1:${defaultPorts.electricity}/graphql`),
  HEAT_URL: z.url().default(`http://127.0.0.1:${defaultPorts.heat}/graphql`),
  PAYMENTS_URL: z.url().default(`http://127.0.0.1:${defaultPorts.payments}/graphql`),
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  REGISTRY_UPLOAD_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(120_000),
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  FIRST_PARTY_OPERATIONS: z.enum(['free', 'log-unknown', 'safelist']).optional(),
  // One worker unless told: beside the subgraphs and the database on the same cores, a second one
  // only competes with them (`pnpm bench`, 2 cores: the gateway's CPU a Dashboard 3.1 ms with one
  // worker, 4.5 ms with two, the same throughput). `auto`: one per CPU, for a gateway with the machine to itself.
  GATEWAY_WORKERS: z.preprocess(
    (value) => (value === '' ? undefined : value === 'auto' ? availableParallelism() : value),
    z.coerce.number().int().min(1).max(256).default(1),
  ),
  // gateway: query-cost budgets (points per window) and who may read /metrics
  COST_BUDGET_PER_CUSTOMER: z.coerce.number().int().min(1).default(50_000),
  COST_BUDGET_PER_CLIENT: z.coerce.number().int().min(1).default(1_000_000),
  COST_BUDGET_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  MAX_OPERATION_COST: z.coerce.number().int().min(1).default(1_000),
  METRICS_TOKEN: optionalString.pipe(z.string().min(16).optional()),
  // payments: LiqPay (the local sandbox unless configured), where payers may be sent back
  LIQPAY_PUBLIC_KEY: z.string().min(1).default('sandbox_kabinet'),
  LIQPAY_PRIVATE_KEY: optionalString,
  LIQPAY_CHECKOUT_URL: z.url().default(localSandboxCheckoutUrl),
  LIQPAY_API_URL: z.url().default(`http://127.0.0.1:${defaultPorts.liqpaySandbox}/api/request`),
  LIQPAY_API_VERSION: z.enum(['3', '7']).default('3').transform(Number),
  LIQPAY_SANDBOX_MODE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  CHECKOUT_RETURN_ORIGINS: z.string().default(''),
  CHECKOUT_CONFIRM_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(3_000),
  // jobs
  JOBS_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
});

export type RawEnv = z.infer<typeof envSchema>;
export const knownEnvVariables = Object.keys(envSchema.shape);

/**
 * What the gateway lets first-party apps send (partners only ever send ids from their manifest):
 * `free` any operation, APQ on; `log-unknown` the same, logging operations in no first-party
 * manifest; `safelist` only manifest operations (by id or identical body), APQ off.
 */
export type FirstPartyOperations = 'free' | 'log-unknown' | 'safelist';

export interface Config {
  env: RawEnv['NODE_ENV'];
  production: boolean;
  logLevel: RawEnv['LOG_LEVEL'];
  dataDir: string;
  /** Only set when PORT is; each deployable falls back to its fixed development port. */
  port: number | undefined;
  database: { url: string | undefined; poolSize: number };
  redis: { url: string | undefined };
  mail: { smtpUrl: string | undefined; from: string; appUrl: string };
  /**
   * Where clients reach the gateway: links the API hands out (bill PDFs) start here, never with
   * a request's Host header. Unset: the gateway's own address.
   */
  publicUrl: string | undefined;
  auth: {
    privateKeyPem: string | undefined;
    publicKeyPem: string | undefined;
    issuer: string;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    gatewaySecret: string | undefined;
    /** How often each service re-reads the sessions identity has ended (logouts reach tokens within this). */
    sessionCheckIntervalMs: number;
  };
  gateway: {
    subgraphUrls: Record<SubgraphName, string>;
    trustProxy: boolean;
    subgraphTimeoutMs: number;
    /** How long a bank registry upload may take: a full file posts for tens of seconds in one transaction. */
    registryUploadTimeoutMs: number;
    /** Default: `safelist` in production, `free` elsewhere. */
    firstPartyOperations: FirstPartyOperations;
    costs: CostLimits;
    /** Bearer token `/metrics` asks for; unset: served only outside production. */
    metricsToken: string | undefined;
    /** Gateway processes (node:cluster) sharing its port; default: one per CPU in production, 1 elsewhere. */
    workers: number;
  };
  payments: {
    liqpay: { publicKey: string; privateKey: string; checkoutUrl: string; apiUrl: string; version: number; sandboxMode: boolean };
    /** Origins a checkout's `returnUrl` may lead to, besides the public URL's and APP_URL's. */
    returnOrigins: string[];
    /** How long `createCheckout` waits for the utilities to confirm the accounts before answering. */
    confirmWaitMs: number;
  };
  /** How often background jobs (e-receipt mail) look for work, in seconds; 0 turns them off. */
  jobsIntervalSeconds: number;
}

/** Query-cost budgets: points per window, per customer and per client application. */
export interface CostLimits {
  perCustomer: number;
  perClient: number;
  windowSeconds: number;
  /** Most one operation may cost; a costlier one is refused before it runs, whatever the budgets. */
  maxOperationCost: number;
}

/**
 * The local sandbox's key for Kabinet's merchant: known to everyone, so refused in production,
 * where LIQPAY_PRIVATE_KEY must be the merchant's real one.
 */
export const sandboxLiqPayPrivateKey = 'sandbox_kabinet_private_key_not_secret';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Reads and validates the environment, reporting every problem at once. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  const problems: string[] = [];
  if (production) {
    // Every deployable verifies tokens and the gateway secret; DATABASE_URL and the private
    // key are checked by the deployables that need them.
    for (const name of ['JWT_PUBLIC_KEY', 'GATEWAY_SECRET'] as const) {
      if (!env[name]) problems.push(`${name}: required when NODE_ENV=production`);
    }
  }
  if (env.GATEWAY_SECRET !== undefined && env.GATEWAY_SECRET.length < 32) {
    problems.push('GATEWAY_SECRET: must be at least 32 characters');
  }
  // An operation no budget could ever pay would be refused as "over budget, retry later" for good.
  if (env.MAX_OPERATION_COST > Math.min(env.COST_BUDGET_PER_CUSTOMER, env.COST_BUDGET_PER_CLIENT)) {
    problems.push('MAX_OPERATION_COST: must not exceed COST_BUDGET_PER_CUSTOMER or COST_BUDGET_PER_CLIENT');
  }
  // The gateway would cut createCheckout off while it still waits for the utilities' answers.
  if (env.CHECKOUT_CONFIRM_WAIT_MS >= env.SUBGRAPH_TIMEOUT_MS) {
    problems.push('CHECKOUT_CONFIRM_WAIT_MS: must be less than SUBGRAPH_TIMEOUT_MS');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    env: env.NODE_ENV,
    production,
    logLevel: env.LOG_LEVEL,
    dataDir: env.DATA_DIR,
    port: env.PORT,
    database: { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE },
    redis: { url: env.REDIS_URL },
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, appUrl: env.APP_URL },
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, ''),
    auth: {
      privateKeyPem: env.JWT_PRIVATE_KEY,
      publicKeyPem: env.JWT_PUBLIC_KEY,
      issuer: env.JWT_ISSUER,
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
      gatewaySecret: env.GATEWAY_SECRET,
      sessionCheckIntervalMs: env.SESSION_CHECK_INTERVAL_MS,
    },
    gateway: {
      subgraphUrls: {
        identity: env.IDENTITY_URL,
        electricity: env.ELECTRICITY_URL,
        heat: env.HEAT_URL,
        payments: env.PAYMENTS_URL,
      },
      trustProxy: env.TRUST_PROXY,
      subgraphTimeoutMs: env.SUBGRAPH_TIMEOUT_MS,
      registryUploadTimeoutMs: env.REGISTRY_UPLOAD_TIMEOUT_MS,
      firstPartyOperations: env.FIRST_PARTY_OPERATIONS ?? (production ? 'safelist' : 'free'),
      costs: {
        perCustomer: env.COST_BUDGET_PER_CUSTOMER,
        perClient: env.COST_BUDGET_PER_CLIENT,
        windowSeconds: env.COST_BUDGET_WINDOW_SECONDS,
        maxOperationCost: env.MAX_OPERATION_COST,
      },
      metricsToken: env.METRICS_TOKEN,
      workers: env.GATEWAY_WORKERS,
    },
    payments: {
      liqpay: {
        publicKey: env.LIQPAY_PUBLIC_KEY,
        privateKey: env.LIQPAY_PRIVATE_KEY ?? sandboxLiqPayPrivateKey,
        checkoutUrl: env.LIQPAY_CHECKOUT_URL,
        apiUrl: env.LIQPAY_API_URL,
        version: env.LIQPAY_API_VERSION,
        sandboxMode: env.LIQPAY_SANDBOX_MODE,
      },
      returnOrigins: env.CHECKOUT_RETURN_ORIGINS.split(',')
        .map((origin) => origin.trim())
        .filter(Boolean)
        .map((origin) => new URL(origin).origin),
      confirmWaitMs: env.CHECKOUT_CONFIRM_WAIT_MS,
    },
    jobsIntervalSeconds: env.JOBS_INTERVAL_SECONDS,
  };
}

/** For `main.ts` files: load the config or print every problem and exit. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
