import { createHmac } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

/**
 * Tokens for links that work without a login for a few minutes (a bill's PDF opened in a
 * browser or a mail client): an HS256 JWT naming the one resource it opens.
 */
export interface SignedLinks {
  sign(resource: string, now: Date): Promise<string>;
  /** The resource the token opens, or null when it is forged, expired or for another purpose. */
  verify(token: string, now: Date): Promise<string | null>;
}

export function signedLinks(masterSecret: string, purpose: string, ttlSeconds: number): SignedLinks {
  const key = createHmac('sha256', masterSecret).update(`kabinet-links:${purpose}`).digest();
  return {
    sign: (resource, now) => {
      const issuedAt = Math.floor(now.getTime() / 1000);
      return new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(resource)
        .setAudience(purpose)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ttlSeconds)
        .sign(key);
    },
    verify: async (token, now) => {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], audience: purpose, currentDate: now });
        return typeof payload.sub === 'string' ? payload.sub : null;
      } catch (error) {
        if (error instanceof errors.JOSEError) return null;
        throw error;
      }
    },
  };
}
