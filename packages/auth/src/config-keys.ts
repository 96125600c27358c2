import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config, Logger } from '@kabinet/config';
import { sessionRevocations, type RevocationsSource, type SessionRevocations } from './session-revocations';
import { ensureDevelopmentKeyPems, importTokenKeys, type TokenKeys } from './tokens';

/** Signing keys from config; in development, generated once under `.data/keys/`. */
export async function loadTokenKeys(config: Config): Promise<TokenKeys> {
  const { privateKeyPem, publicKeyPem } =
    config.auth.publicKeyPem || config.production
      ? { privateKeyPem: config.auth.privateKeyPem, publicKeyPem: config.auth.publicKeyPem! }
      : await ensureDevelopmentKeyPems(config.dataDir);
  return importTokenKeys({
    privateKeyPem,
    publicKeyPem,
    issuer: config.auth.issuer,
    accessTokenTtlSeconds: config.auth.accessTokenTtlSeconds,
  });
}

/** The gateway secret from config; in development, generated once under `.data/keys/`. */
export function loadGatewaySecret(config: Config): string {
  if (config.auth.gatewaySecret) return config.auth.gatewaySecret;
  const file = path.join(config.dataDir, 'keys', 'gateway-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}


const failureReportEveryMs = 60_000;

/**
 * The list of ended sessions a service refuses tokens of, kept fresh in the background as
 * configured (from `start()`). While it cannot be refreshed (identity down), the last list stays
 * in force and the failure is logged once a minute, not once a refresh.
 */
export function openSessionRevocations(config: Config, logger: Logger, source: RevocationsSource): SessionRevocations {
  let lastReported = 0;
  return sessionRevocations({
    source,
    intervalMs: config.auth.sessionCheckIntervalMs,
    accessTokenTtlSeconds: config.auth.accessTokenTtlSeconds,
    onError: (error) => {
      if (Date.now() - lastReported < failureReportEveryMs) return;
      lastReported = Date.now();
      logger.warn({ err: error }, 'ended sessions could not be refreshed; the last list stays in force');
    },
  });
}
