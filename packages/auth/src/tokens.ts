import { DomainError, type Translations } from '@kabinet/errors';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errors, exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, importSPKI, jwtVerify, SignJWT } from 'jose';
import type { CryptoKey } from 'jose';
import { LRUCache } from 'lru-cache';
import { parseScopeClaim, type Scope } from './scopes';
import type { SessionRevocations } from './session-revocations';

export const roles = ['CUSTOMER', 'OPERATOR', 'ADMIN'] as const;
export type Role = (typeof roles)[number];

/** Who is calling, as proven by a verified access token. */
export interface Viewer {
  userId: string;
  role: Role;
  /** The refresh-token family this access token was issued for. */
  sessionId: string;
  /**
   * For operators: the suppliers whose staff they are, one row per utility the organisation
   * supplies (Kamchatskenergo sells electricity and heat: a row in each utility subgraph).
   */
  supplierIds?: readonly string[] | undefined;
  /**
   * For operators: the supplier they act for here. The only one of `supplierIds`; in a utility
   * subgraph, the one that is that utility's (see `staffOfThisUtility`).
   */
  supplierId?: string | undefined;
  /** The login's confirmed email (logins cannot sign in before confirming one). */
  email?: string | undefined;
  /** The registered client a delegated token was issued to (`client_id`); absent for first-party sessions. */
  clientId?: string | undefined;
  /**
   * What a delegated token allows (the customer's consent to `clientId`). Absent for a
   * first-party session, which may do everything its role allows.
   */
  scopes?: readonly Scope[] | undefined;
}

/** Whether the viewer may act within `scope`: always for a first-party session, by consent for a delegated token. */
export const viewerHasScope = (viewer: Viewer, scope: Scope): boolean => viewer.scopes === undefined || viewer.scopes.includes(scope);

export interface TokenKeys {
  /** Only identity holds the private key; every other service only verifies. */
  privateKey?: CryptoKey;
  publicKey: CryptoKey;
  issuer: string;
  accessTokenTtlSeconds: number;
}

const algorithm = 'ES256';
const audience = 'kabinet';

export async function generateTokenKeyPems(): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const { privateKey, publicKey } = await generateKeyPair(algorithm, { extractable: true });
  return { privateKeyPem: await exportPKCS8(privateKey), publicKeyPem: await exportSPKI(publicKey) };
}

export interface KeySource {
  privateKeyPem?: string | undefined;
  publicKeyPem?: string | undefined;
  issuer: string;
  accessTokenTtlSeconds: number;
}

export async function importTokenKeys(source: KeySource & { publicKeyPem: string }): Promise<TokenKeys> {
  return {
    privateKey: source.privateKeyPem ? await importPKCS8(source.privateKeyPem, algorithm) : undefined,
    publicKey: await importSPKI(source.publicKeyPem, algorithm),
    issuer: source.issuer,
    accessTokenTtlSeconds: source.accessTokenTtlSeconds,
  } as TokenKeys;
}

/**
 * Development convenience: without configured keys, a key pair is generated once and kept
 * under `<dataDir>/keys/` so that tokens survive a restart. Production config requires keys.
 */
export async function ensureDevelopmentKeyPems(dataDir: string): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const dir = path.join(dataDir, 'keys');
  const privatePath = path.join(dir, 'jwt-es256.key.pem');
  const publicPath = path.join(dir, 'jwt-es256.pub.pem');
  if (existsSync(privatePath) && existsSync(publicPath)) {
    return { privateKeyPem: readFileSync(privatePath, 'utf8'), publicKeyPem: readFileSync(publicPath, 'utf8') };
  }
  const pems = await generateTokenKeyPems();
  mkdirSync(dir, { recursive: true });
  writeFileSync(privatePath, pems.privateKeyPem, { mode: 0o600 });
  writeFileSync(publicPath, pems.publicKeyPem);
  return pems;
}

export async function signAccessToken(keys: TokenKeys, viewer: Viewer): Promise<string> {
  if (!keys.privateKey) throw new Error('this service holds no signing key');
  // A viewer made for one supplier may name it alone.
  const supplierIds = viewer.supplierIds ?? (viewer.supplierId ? [viewer.supplierId] : undefined);
  return new SignJWT({
    role: viewer.role,
    sid: viewer.sessionId,
    ...(supplierIds?.length ? { sup: [...supplierIds] } : {}),
    ...(viewer.email ? { email: viewer.email } : {}),
    ...(viewer.clientId ? { client_id: viewer.clientId } : {}),
    ...(viewer.scopes ? { scope: viewer.scopes.join(' ') } : {}),
  })
    .setProtectedHeader({ alg: algorithm })
    .setSubject(viewer.userId)
    .setIssuer(keys.issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${keys.accessTokenTtlSeconds}s`)
    .sign(keys.privateKey);
}

export type TokenProblem = 'expired' | 'invalid';

export class AccessTokenError extends Error {
  constructor(readonly problem: TokenProblem) {
    super(problem === 'expired' ? 'Access token has expired' : 'Access token is invalid');
  }
}

/** A verified token's viewer, and the instant (ms since the epoch) from which the token is expired. */
interface VerifiedToken {
  viewer: Viewer;
  expiresAtMs: number;
}

/** The `sup` claim: the operator's suppliers (a single id in tokens signed before it became a list). */
function supplierClaim(claim: unknown): readonly string[] | undefined {
  if (typeof claim === 'string') return Object.freeze([claim]);
  if (Array.isArray(claim) && claim.length > 0 && claim.every((id) => typeof id === 'string')) return Object.freeze([...(claim as string[])]);
  return undefined;
}

async function verifyToken(keys: TokenKeys, token: string): Promise<VerifiedToken> {
  try {
    const { payload } = await jwtVerify(token, keys.publicKey, {
      algorithms: [algorithm],
      issuer: keys.issuer,
      audience,
    });
    const role = payload.role;
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || !roles.includes(role as Role)) {
      throw new AccessTokenError('invalid');
    }
    // Customers delegate; staff never do: a delegated token naming another role is not ours.
    if (payload.client_id !== undefined && role !== 'CUSTOMER') throw new AccessTokenError('invalid');
    // Every token we sign expires; one that does not is not ours.
    if (typeof payload.exp !== 'number') throw new AccessTokenError('invalid');
    const supplierIds = supplierClaim(payload.sup);
    const viewer: Viewer = {
      userId: payload.sub,
      role: role as Role,
      sessionId: payload.sid,
      supplierIds,
      supplierId: supplierIds?.length === 1 ? supplierIds[0] : undefined,
      email: typeof payload.email === 'string' ? payload.email : undefined,
      clientId: typeof payload.client_id === 'string' ? payload.client_id : undefined,
      // A delegated token without a readable scope claim allows nothing, never everything.
      scopes: typeof payload.client_id === 'string' ? Object.freeze(parseScopeClaim(typeof payload.scope === 'string' ? payload.scope : '')) : undefined,
    };
    // jose refuses a token once its `exp` (seconds) is not after the current second.
    return { viewer: Object.freeze(viewer), expiresAtMs: payload.exp * 1000 };
  } catch (error) {
    if (error instanceof AccessTokenError) throw error;
    if (error instanceof errors.JWTExpired) throw new AccessTokenError('expired');
    throw new AccessTokenError('invalid');
  }
}

export async function verifyAccessToken(keys: TokenKeys, token: string): Promise<Viewer> {
  return (await verifyToken(keys, token)).viewer;
}

/** How many verified tokens each set of keys remembers: the access tokens of the busiest quarter of an hour. */
export const verifiedTokensPerKeys = 20_000;

// Per set of keys, so a token is only ever taken as verified with the key that verified it.
const verifiedTokens = new WeakMap<TokenKeys, LRUCache<string, VerifiedToken>>();

/**
 * A token's viewer, its signature checked once: an app sends the same token with every request
 * for its lifetime, and an ES256 verification costs far more than the rest of a small request.
 * Only good tokens are remembered (a bad or tampered one is a different string, verified and
 * refused every time), and only until they expire.
 */
async function verifiedViewer(keys: TokenKeys, token: string): Promise<Viewer> {
  let cache = verifiedTokens.get(keys);
  if (!cache) {
    cache = new LRUCache<string, VerifiedToken>({ max: verifiedTokensPerKeys });
    verifiedTokens.set(keys, cache);
  }
  const known = cache.get(token);
  if (known) {
    if (Date.now() < known.expiresAtMs) return known.viewer;
    cache.delete(token);
    throw new AccessTokenError('expired');
  }
  const verified = await verifyToken(keys, token);
  cache.set(token, verified);
  return verified.viewer;
}

/** The token of an `Authorization: Bearer <token>` header, `null` when there is no header. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined || header === '') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  // A malformed header is a bad token, not an anonymous request.
  return match?.[1] ?? '';
}

const messages = {
  expired: { en: 'Access token has expired', uk: 'Термін дії токена доступу минув', ru: 'Срок действия токена доступа истёк' },
  invalid: { en: 'Access token is invalid', uk: 'Токен доступу недійсний', ru: 'Токен доступа недействителен' },
  sessionEnded: { en: 'This session has ended: log in again', uk: 'Цей сеанс завершено: увійдіть знову', ru: 'Этот сеанс завершён: войдите снова' },
} satisfies Record<string, Translations>;

/**
 * The viewer of an HTTP request from its Authorization header: `null` when there is none,
 * a typed UNAUTHENTICATED error (HTTP 401) when the token is malformed, forged or expired, or
 * its session has ended (logout, password change or reset, deactivation, a reused refresh token).
 * A token's signature is verified once and its viewer remembered until it expires; its session
 * is checked on every request.
 */
export async function viewerFromAuthorization(
  keys: TokenKeys,
  authorization: string | undefined,
  revocations?: SessionRevocations,
): Promise<Viewer | null> {
  const token = bearerToken(authorization);
  if (token === null) return null;
  let viewer: Viewer;
  try {
    viewer = await verifiedViewer(keys, token);
  } catch (error) {
    const expired = error instanceof AccessTokenError && error.problem === 'expired';
    throw new DomainError('UNAUTHENTICATED', expired ? messages.expired : messages.invalid, { reason: expired ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID' }, 401);
  }
  if (revocations?.isRevoked(viewer.sessionId)) {
    throw new DomainError('UNAUTHENTICATED', messages.sessionEnded, { reason: 'SESSION_ENDED' }, 401);
  }
  return viewer;
}
