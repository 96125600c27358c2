import { Writable } from 'node:stream';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

function memoryLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('info', 'test', destination), text: () => lines.join('') };
}

const argon2Hash = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g';

describe('logs', () => {
  it('keep the SQL of a failed statement but never its parameters', () => {
    const { logger, text } = memoryLogger();
    const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021', parameters: ['me@x.test', argon2Hash] });
    const error = new DrizzleQueryError('insert into "identity"."users" ("email", "password_hash") values ($1, $2)', ['me@x.test', argon2Hash], cause);
    logger.error({ err: error }, 'unexpected error masked');
    const logged = text();
    expect(logged).toContain('insert into \\"identity\\".\\"users\\"');
    expect(logged).toContain('invalid byte sequence');
    expect(logged).not.toContain(argon2Hash);
    expect(logged).not.toContain('me@x.test');
  });

  it('redact passwords, hashes and tokens wherever they are logged', () => {
    const { logger, text } = memoryLogger();
    logger.info({ password: 'p1', input: { newPassword: 'p2', token: 't3' }, user: { passwordHash: argon2Hash }, refreshToken: 'r4' }, 'attempt');
    const logged = text();
    for (const secret of ['p1', 'p2', 't3', argon2Hash, 'r4']) expect(logged).not.toContain(`"${secret}"`);
    expect(logged).toContain('[redacted]');
  });
});
