import { describe, expect, it } from 'vitest';
import { sessionRevocations, type RevocationsPage } from './session-revocations';

const at = (iso: string) => new Date(iso);

describe('session revocations', () => {
  it('loads what ended, then asks only from a little before the last answer', async () => {
    const asked: (string | null)[] = [];
    const pages: RevocationsPage[] = [
      { asOf: at('2026-11-30T10:00:00Z'), sessions: [{ sessionId: 'a', revokedAt: at('2026-11-30T09:59:00Z') }] },
      { asOf: at('2026-11-30T10:00:01Z'), sessions: [{ sessionId: 'b', revokedAt: at('2026-11-30T10:00:00.500Z') }] },
    ];
    const revocations = sessionRevocations({
      source: async (since) => {
        asked.push(since?.toISOString() ?? null);
        return pages.shift() ?? { asOf: at('2026-11-30T10:00:02Z'), sessions: [] };
      },
      intervalMs: 60_000,
      accessTokenTtlSeconds: 900,
    });
    await revocations.refresh();
    expect(revocations.isRevoked('a')).toBe(true);
    expect(revocations.isRevoked('b')).toBe(false);
    await revocations.refresh();
    expect(revocations.isRevoked('b')).toBe(true);
    // The first asks for everything recent; each later one starts 30 s before the last answer's instant.
    expect(asked).toEqual([null, '2026-11-30T09:59:30.000Z']);
    revocations.stop();
  });

  it('forgets sessions ended longer ago than any access token lives', async () => {
    const revocations = sessionRevocations({
      source: async () => ({ asOf: at('2026-11-30T10:00:00Z'), sessions: [{ sessionId: 'old', revokedAt: at('2026-11-30T09:44:00Z') }, { sessionId: 'recent', revokedAt: at('2026-11-30T09:50:00Z') }] }),
      intervalMs: 60_000,
      accessTokenTtlSeconds: 900,
    });
    await revocations.refresh();
    expect(revocations.isRevoked('old')).toBe(false);
    expect(revocations.isRevoked('recent')).toBe(true);
    revocations.stop();
  });

  it('keeps what it knew while the source fails, and reports the failure', async () => {
    let fail = false;
    const errors: unknown[] = [];
    const revocations = sessionRevocations({
      source: async () => {
        if (fail) throw new Error('identity unreachable');
        return { asOf: new Date(), sessions: [{ sessionId: 'a', revokedAt: new Date() }] };
      },
      intervalMs: 10,
      accessTokenTtlSeconds: 900,
      onError: (error) => errors.push(error),
    });
    await revocations.refresh();
    fail = true;
    revocations.start();
    await expect.poll(() => errors.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(revocations.isRevoked('a')).toBe(true);
    revocations.stop();
  });
});
