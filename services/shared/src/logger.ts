/**
 * Structured logs. Personal data is never logged: ids and codes only. Errors are logged as
 * their summary (log-safety.ts: never a statement, its parameters or a row), and redaction
 * censors the keys that name data or a statement, whatever logged them.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { errorSerializer, REDACT_PATHS } from './log-safety.ts';

/** Where log lines go: standard output unless given (the tests collect them). */
export type LogDestination = DestinationStream;

export function createLogger(name: string, level = 'info', destination?: LogDestination): Logger {
  const options = {
    name,
    level,
    serializers: { err: errorSerializer, error: errorSerializer },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
export type { Logger };
