import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

export type { DestinationStream, Logger };

/** Never logged: what a login, a session or a mailed link is made of. */
const secretFields = ['password', 'currentPassword', 'newPassword', 'passwordHash', 'token', 'accessToken', 'refreshToken', 'secret'];

/** Properties database drivers put the bound values of a failed statement in. */
const statementParameterFields = ['params', 'parameters', 'args'];

// drizzle's DrizzleQueryError: "Failed query: <sql>\nparams: <values>" in the message and the stack.
const withoutParameters = (text: string) => text.replace(/\nparams: [\s\S]*?(?=\n {4}at |$)/, '\nparams: [not logged]');

type SerializedError = Record<string, unknown> & { message?: unknown; stack?: unknown; cause?: unknown };

function withoutStatementParameters(serialized: SerializedError): SerializedError {
  const clean: SerializedError = { ...serialized };
  for (const field of statementParameterFields) delete clean[field];
  if (typeof clean.message === 'string') clean.message = withoutParameters(clean.message);
  if (typeof clean.stack === 'string') clean.stack = withoutParameters(clean.stack);
  if (clean.cause && typeof clean.cause === 'object') clean.cause = withoutStatementParameters(clean.cause as SerializedError);
  return clean;
}

/**
 * A failed statement's bound values may be anyone's data: a new login's password hash, a
 * reset token's hash, an address. The SQL is logged, its values never.
 */
function errorWithoutSecrets(error: Error): SerializedError {
  return withoutStatementParameters(stdSerializers.err(error) as unknown as SerializedError);
}

/** Structured JSON logs; secrets and statement parameters never reach them. */
export function createLogger(level: string, name = 'kabinet', destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    serializers: { err: errorWithoutSecrets },
    redact: {
      paths: [...secretFields, ...secretFields.map((field) => `*.${field}`), 'req.headers.authorization', 'req.headers.cookie', '*.headers.authorization'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** How long a line may wait in the buffer of `backgroundStdout` for others to go out with. */
export const backgroundFlushMs = 1_000;

/**
 * Standard output written in the background and in batches: lines gather until 4 KB or a second
 * has passed, then go to the OS in one write. For a process that logs every request (the gateway),
 * where a write per line was one system call per request (5% of the gateway's CPU); pino writes
 * what is left when the process exits.
 */
export function backgroundStdout(fd = 1): DestinationStream {
  const destination = pino.destination({ dest: fd, sync: false, minLength: 4096 });
  const flushing = setInterval(() => destination.flush(), backgroundFlushMs).unref();
  // Ended (pino ends it as the process exits), it would throw on a flush.
  destination.once('close', () => clearInterval(flushing));
  return destination;
}
