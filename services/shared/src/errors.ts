/**
 * The error conventions of docs/design/architecture.md: a code in `extensions.code`, the
 * offending input in `extensions.field`, and words a caseworker understands.
 * Anything else is masked before it reaches a caller.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { safeError } from './log-safety.ts';
import { currentLanguage, render, t, type Wording } from './i18n.ts';

export type { Wording } from './i18n.ts';

export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT';

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = { UNAUTHENTICATED: 401 };

export class HubError extends GraphQLError {
  /** the message to render in the language of the request that shows it */
  readonly text: Wording;

  constructor(code: ErrorCode, message: Wording, extra: { field?: string; [k: string]: unknown } = {}) {
    const status = HTTP_STATUS[code];
    super(render(message, currentLanguage()), { extensions: { code, ...extra, ...(status ? { http: { status } } : {}) } });
    this.text = message;
  }
}

export const badInput = (field: string, message: Wording) => new HubError('BAD_USER_INPUT', message, { field });

/** One invalid field of an input, in words. */
export interface FieldProblem {
  field: string;
  message: Wording;
}

/**
 * Every invalid field of an input in one refusal. One problem is a plain BAD_USER_INPUT; more
 * travel in `extensions.fieldErrors` of one error, which fieldErrorsPlugin answers as one
 * BAD_USER_INPUT error per field, each with its `extensions.field`.
 */
export function badInputs(problems: readonly FieldProblem[]): HubError {
  const [first] = problems;
  if (!first) throw new Error('badInputs needs at least one problem');
  if (problems.length === 1) return badInput(first.field, first.message);
  return new HubError('BAD_USER_INPUT', first.message, { field: first.field, fieldErrors: problems.map((p) => ({ field: p.field, message: p.message })) });
}

/**
 * Collects the BAD_USER_INPUT refusals of an input's checks, so that all of them are answered
 * together: `take` runs one check (its value, or undefined when it refused), `throwIfAny` refuses.
 */
export class FieldProblems {
  readonly list: FieldProblem[] = [];

  add(field: string, message: Wording): void {
    this.list.push({ field, message });
  }

  take<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (err) {
      if (!(err instanceof HubError) || err.extensions.code !== 'BAD_USER_INPUT') throw err;
      const many = err.extensions.fieldErrors as FieldProblem[] | undefined;
      if (many) this.list.push(...many);
      else this.add(String(err.extensions.field), err.text);
      return undefined;
    }
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw badInputs(this.list);
  }
}
export const forbidden = (message: Wording = t`You are not allowed to do this.`) => new HubError('FORBIDDEN', message);
export const notFound = (message: Wording) => new HubError('NOT_FOUND', message);
export const conflict = (message: Wording, extra: Record<string, unknown> = {}) => new HubError('CONFLICT', message, extra);
export const unauthenticated = (message: Wording) => new HubError('UNAUTHENTICATED', message);

/** Codes that Apollo Server itself produces for malformed requests; their messages are safe to show. */
const SAFE_CODES = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_REQUIRED',
  'PERSISTED_QUERY_ID_REQUIRED',
  'RATE_LIMITED',
]);

/**
 * Apollo `formatError`: keeps our own errors and Apollo's request errors,
 * replaces everything else by a generic message. The log line has the error's summary only
 * (log-safety.ts: a database error's code, constraint and table, never its statement,
 * parameters or row) and the response path.
 */
export function createErrorFormatter(log: { error: (obj: unknown, msg: string) => void }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const raw = formatted.extensions?.code;
    const code = typeof raw === 'string' ? raw : '';
    if (SAFE_CODES.has(code)) {
      const { stacktrace: _stack, http: _http, ...extensions } = formatted.extensions ?? {};
      // Our own refusals are rendered now, in the language of the request they are answered to.
      const own = hubErrorOf(error);
      const lang = currentLanguage();
      if (own) {
        formatted = { ...formatted, message: formatted.message.replace(own.message, render(own.text, lang)) };
        if (Array.isArray(extensions.fieldErrors)) {
          extensions.fieldErrors = (extensions.fieldErrors as FieldProblem[]).map((p) => ({ field: p.field, message: render(p.message, lang) }));
        }
      }
      // A variable that does not fit its type (a bad Date, say): name the variable path the caller sent.
      const coercion = /^Variable "\$(\w+)" got invalid value .*?(?: at "([^"]+)")?;/.exec(formatted.message);
      if (code === 'BAD_USER_INPUT' && coercion && extensions.field === undefined) extensions.field = coercion[2] ?? coercion[1];
      // Apollo prefixes errors thrown while building the context; callers need only the reason.
      return { ...formatted, message: formatted.message.replace(/^Context creation failed: /, ''), extensions };
    }
    log.error({ err: safeError(unwrapResolverError(error)), ...(formatted.path ? { path: formatted.path } : {}) }, 'internal error');
    return {
      message: render(t`Something went wrong on our side. The error has been logged; please try again or contact support.`, currentLanguage()),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/** The HubError behind an error, however wrapped (a resolver's, a located one, a variable's coercion). */
function hubErrorOf(error: unknown): HubError | undefined {
  for (let e: unknown = error, i = 0; e && i < 5; e = (e as { originalError?: unknown }).originalError, i++) {
    if (e instanceof HubError) return e;
    const unwrapped = unwrapResolverError(e);
    if (unwrapped instanceof HubError) return unwrapped;
  }
  return undefined;
}

/**
 * Apollo Server plugin: an error carrying `extensions.fieldErrors` (badInputs) is answered as
 * one BAD_USER_INPUT error per field, each with its path and `extensions.field`.
 */
export function fieldErrorsPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    requestDidStart() {
      return Promise.resolve({
        willSendResponse({ response }) {
          if (response.body.kind !== 'single') return Promise.resolve();
          const result = response.body.singleResult;
          if (result.errors) result.errors = result.errors.flatMap(expandFieldErrors);
          return Promise.resolve();
        },
      });
    },
  };
}

function expandFieldErrors(error: GraphQLFormattedError): GraphQLFormattedError[] {
  const { fieldErrors, ...extensions } = error.extensions ?? {};
  if (!Array.isArray(fieldErrors)) return [error];
  return (fieldErrors as FieldProblem[]).map((p) => ({ ...error, message: String(p.message), extensions: { ...extensions, field: p.field } }));
}

/** True when a database error (possibly wrapped by drizzle) is a unique violation, optionally of one index. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    const pg = e as { code?: string; constraint_name?: string };
    if (pg.code === '23505') return !constraint || pg.constraint_name === constraint;
  }
  return false;
}
