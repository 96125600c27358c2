import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '@kabinet/config';
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

