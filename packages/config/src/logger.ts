import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; secrets never reach them (see `redact`). */
export function createLogger(level: string, name = 'kabinet'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['password', '*.password', '*.currentPassword', '*.newPassword', 'req.headers.authorization', '*.token'],
      censor: '[redacted]',
    },
  });
}
