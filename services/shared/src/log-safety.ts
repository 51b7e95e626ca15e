/**
 * What of an error may be logged. The hub's data is about vulnerable people, and an error can
 * carry it: drizzle wraps every failed statement in an error whose message is the SQL and its
 * parameters (personnummer, names, free text), postgres.js errors carry `query`, `parameters`
 * and a `detail` that quotes the row (`Key (…)=(…) already exists`), and even a plain error's
 * message may have been built from input. So a log line gets only this summary:
 *
 * - a database error: its SQLSTATE code, the constraint, table and column it names, the server
 *   routine, and a short fixed message, never the statement, its parameters, the detail or the
 *   server's message (which can quote a value: `invalid input syntax for type date: "…"`);
 * - any other error: its class, its message with quoted text and long digit runs blanked, cut
 *   to 200 characters, and the stack's frames (file and line, no message).
 */

export interface SafeError {
  type: string;
  message: string;
  code?: string;
  constraint?: string;
  table?: string;
  column?: string;
  routine?: string;
  frames?: string[];
}

const MAX_CAUSES = 5;
const MAX_FRAMES = 12;
const MAX_MESSAGE = 200;

type Loose = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= 100 ? v : undefined);

/** A postgres.js server error: a five-character SQLSTATE and the server's severity. */
function isServerError(e: Loose): boolean {
  return typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string';
}

/** drizzle's wrapper (`Failed query: …\nparams: …`), or anything else that carries a statement. */
function carriesStatement(e: Loose): boolean {
  return e.name === 'DrizzleQueryError' || 'query' in e || 'params' in e || 'parameters' in e;
}

/** The error's message without what could be data: quoted text and long numbers blanked. */
export function scrubMessage(message: string): string {
  const scrubbed = message
    .replace(/"[^"]*"|'[^']*'|`[^`]*`|\([^()]*\)=\([^()]*\)/g, '"…"')
    .replace(/\d{6,}/g, '…')
    // eslint-disable-next-line no-control-regex -- control characters and lone surrogates are what must not reach a log line
    .replace(/[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, ' ');
  return scrubbed.length > MAX_MESSAGE ? `${scrubbed.slice(0, MAX_MESSAGE)}…` : scrubbed;
}

function frames(stack: unknown): string[] | undefined {
  if (typeof stack !== 'string') return undefined;
  const lines = stack
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('at '))
    .slice(0, MAX_FRAMES);
  return lines.length ? lines : undefined;
}

function causes(err: unknown): Loose[] {
  const chain: Loose[] = [];
  for (let e: unknown = err; e && typeof e === 'object' && chain.length < MAX_CAUSES; e = (e as Loose).cause) chain.push(e as Loose);
  return chain;
}

/** True for what pino's `err` serializer should summarise: an Error, or an error already made a plain object (Hive's logger does). */
export function isErrorLike(v: unknown): boolean {
  return v instanceof Error || (typeof v === 'object' && v !== null && typeof (v as Loose).message === 'string' && 'stack' in v);
}

/** The loggable summary of an error (see the file's comment). */
export function safeError(err: unknown): SafeError {
  const chain = causes(err);
  const server = chain.find(isServerError);
  if (server) {
    const summary: SafeError = { type: 'DatabaseError', message: 'the database refused a statement', code: server.code as string };
    const constraint = str(server.constraint_name);
    const table = str(server.table_name);
    const column = str(server.column_name);
    const routine = str(server.routine);
    if (constraint) summary.constraint = constraint;
    if (table) summary.table = table;
    if (column) summary.column = column;
    if (routine) summary.routine = routine;
    const at = frames((chain[0] as Loose).stack);
    if (at) summary.frames = at;
    return summary;
  }
  if (chain.some(carriesStatement)) {
    // a statement that failed without a server answer (a connection lost, a value the driver refused)
    const code = chain.map((e) => str(e.code)).find((c) => c !== undefined && /^[A-Z0-9_]{2,40}$/.test(c));
    const at = frames((chain[0] as Loose).stack);
    return { type: 'DatabaseError', message: 'a statement failed before the database answered', ...(code ? { code } : {}), ...(at ? { frames: at } : {}) };
  }
  const first = chain[0];
  if (!first) return { type: typeof err, message: 'a value that is not an error was thrown' };
  const type = typeof first.name === 'string' ? scrubMessage(first.name) : 'Error';
  const at = frames(first.stack);
  return { type, message: typeof first.message === 'string' ? scrubMessage(first.message) : '', ...(at ? { frames: at } : {}) };
}

/** pino's serializer for `err`/`error`: errors become their summary, anything else is left to redaction. */
export const errorSerializer = (v: unknown): unknown => (isErrorLike(v) ? safeError(v) : v);

/**
 * Redaction, the second line of defence behind the serializer: any key that names data or a
 * statement, at the top of a log line or one level down, is censored whatever logged it.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'request.headers.authorization',
  // `data`: the results the gateway's debug lines carry (a subgraph's answer: names, file names, links)
  ...['personnummer', 'query', 'parameters', 'params', 'args', 'variables', 'detail', 'body', 'input', 'representations', 'data'].flatMap((k) => [k, `*.${k}`]),
  '*.name',
];
