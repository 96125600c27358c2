import { createHmac } from 'node:crypto';

/** A session (refresh-token family) ended at `revokedAt`: its access tokens stop working. */
export interface RevokedSession {
  sessionId: string;
  revokedAt: Date;
}

/** Sessions ended since an instant, and the instant the answer is complete up to. */
export interface RevocationsPage {
  sessions: RevokedSession[];
  asOf: Date;
}

export type RevocationsSource = (since: Date | null) => Promise<RevocationsPage>;

export interface SessionRevocations {
  /** True once the session's end has been seen here: a Set lookup, no I/O. */
  isRevoked(sessionId: string): boolean;
  /** Loads what ended since the last load; the background loop calls it every interval. */
  refresh(): Promise<void>;
  /** Starts the background loop (a first load at once); a second call does nothing. */
  start(): void;
  stop(): void;
}

export interface SessionRevocationsOptions {
  source: RevocationsSource;
  /** How often the list is brought up to date: how long an ended session's tokens may still work. */
  intervalMs: number;
  /** Access tokens live this long: a session ended longer ago has no token left to refuse. */
  accessTokenTtlSeconds: number;
  onError?(error: unknown): void;
}

/**
 * Re-read from a little before the last answer's instant: a revocation written by a transaction
 * that committed late carries an earlier timestamp than the moment it became visible.
 */
const overlapMs = 30_000;

/**
 * The sessions identity has ended, kept in memory and brought up to date in the background,
 * so that a request costs a Set lookup, not a call to identity or a SQL statement. Access
 * tokens stay stateless JWTs; this list is what makes logout, a password change or a
 * deactivation stop them within an interval instead of at their expiry.
 */
export function sessionRevocations(options: SessionRevocationsOptions): SessionRevocations {
  const revoked = new Map<string, number>();
  const retentionMs = options.accessTokenTtlSeconds * 1000 + overlapMs;
  let asOf: Date | null = null;
  let loading: Promise<void> | null = null;

  const load = async () => {
    const since = asOf ? new Date(asOf.getTime() - overlapMs) : null;
    const page = await options.source(since);
    for (const { sessionId, revokedAt } of page.sessions) revoked.set(sessionId, revokedAt.getTime());
    asOf = page.asOf;
    const forgetBefore = page.asOf.getTime() - retentionMs;
    for (const [sessionId, at] of revoked) if (at < forgetBefore) revoked.delete(sessionId);
  };
  const refresh = () => {
    loading ??= load().finally(() => (loading = null));
    return loading;
  };

  const refreshInBackground = () => void refresh().catch((error: unknown) => options.onError?.(error));
  let timer: NodeJS.Timeout | undefined;

  return {
    isRevoked: (sessionId) => revoked.has(sessionId),
    refresh,
    start: () => {
      if (timer) return;
      refreshInBackground();
      timer = setInterval(refreshInBackground, options.intervalMs);
      timer.unref();
    },
    stop: () => clearInterval(timer),
  };
}

/** Header carrying what identity expects from services reading its revoked sessions. */
export const sessionsSecretHeader = 'x-kabinet-sessions-secret';

/** Derived from the master secret for this one purpose, like the gateway's and the events' secrets. */
export function sessionsSecret(masterSecret: string): string {
  return createHmac('sha256', masterSecret).update('kabinet-sessions').digest('base64url');
}

/** Where identity serves its revoked sessions, relative to its base URL. */
export const revokedSessionsPath = '/internal/sessions/revoked';

/** Reads identity's revoked sessions over HTTP (the gateway and the other subgraphs). */
export function httpRevocationsSource(identityBaseUrl: string, masterSecret: string, timeoutMs = 2_000): RevocationsSource {
  const secret = sessionsSecret(masterSecret);
  return async (since) => {
    const url = new URL(revokedSessionsPath, identityBaseUrl);
    if (since) url.searchParams.set('since', since.toISOString());
    const response = await fetch(url, { headers: { [sessionsSecretHeader]: secret }, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`identity answered ${response.status} for revoked sessions`);
    const body = (await response.json()) as { asOf: string; sessions: { sessionId: string; revokedAt: string }[] };
    return {
      asOf: new Date(body.asOf),
      sessions: body.sessions.map((session) => ({ sessionId: session.sessionId, revokedAt: new Date(session.revokedAt) })),
    };
  };
}
