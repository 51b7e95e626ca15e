/**
 * Structured logs. Personal data is never logged: ids and codes only. Errors are logged as
 * their summary (log-safety.ts: never a statement, its parameters or a row), and redaction
 * censors the keys that name data or a statement, whatever logged them.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { errorSerializer, REDACT_PATHS } from './log-safety.ts';

/** Where log lines go: standard output unless given (the tests collect them). */
export type LogDestination = DestinationStream;

let capture: { destination: LogDestination; level: string } | undefined;

/**
 * The tests: every logger created from now on writes to `destination` at `level`, whatever the
 * configuration says (tests/platform/mutation-fuzz.test.ts reads every line the hub writes).
 * Without an argument, loggers are as configured again.
 */
export function captureLogs(to?: { destination: LogDestination; level: string }): void {
  capture = to;
}

export function createLogger(name: string, level = 'info', destination?: LogDestination): Logger {
  if (capture) ({ destination, level } = { destination: destination ?? capture.destination, level: capture.level });
  const options = {
    name,
    level,
    serializers: { err: errorSerializer, error: errorSerializer },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
export type { Logger };
