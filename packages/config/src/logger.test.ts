import { execFile } from 'node:child_process';
import { once, type EventEmitter } from 'node:events';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it, vi } from 'vitest';
import { backgroundFlushMs, backgroundStdout, createLogger, type DestinationStream } from './logger';

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

  it('written in the background: a few lines go out together within a second, and all of them when the process exits', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kabinet-log-'));
    const file = path.join(dir, 'out.log');
    try {
      const destination = backgroundStdout(openSync(file, 'w')) as DestinationStream & EventEmitter & { end(): void };
      const logger = createLogger('info', 'test', destination);
      for (const n of [1, 2, 3]) logger.info({ n }, 'request');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(readFileSync(file, 'utf8')).toBe('');
      // The next flush, a second after the destination was made, writes them (waited for longer on a busy machine).
      await vi.waitFor(() => expect(readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line).n)).toEqual([1, 2, 3]), {
        timeout: backgroundFlushMs * 5,
      });
      // Ended, as pino ends it at exit, it is flushed no more (a flush would throw, uncaught).
      destination.end();
      await once(destination, 'close');
      await new Promise((resolve) => setTimeout(resolve, backgroundFlushMs * 1.5));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // A process that logs and exits at once, long before the next flush.
    const logger = fileURLToPath(new URL('./logger.ts', import.meta.url));
    const program = `const { createLogger, backgroundStdout } = await import(${JSON.stringify(logger)});
const log = createLogger('info', 'test', backgroundStdout());
for (let n = 1; n <= 3; n += 1) log.info({ n }, 'request');
setImmediate(() => process.exit(0));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program]);
    expect(stdout.trim().split('\n').map((line) => JSON.parse(line).n)).toEqual([1, 2, 3]);
  });
});
