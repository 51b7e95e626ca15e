/** Structured logs. Personal data is never logged: ids and codes only. */
import { pino, type Logger } from 'pino';

export function createLogger(name: string, level = 'info'): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['req.headers.authorization', '*.personnummer', '*.name'], remove: true },
  });
}
export type { Logger };
