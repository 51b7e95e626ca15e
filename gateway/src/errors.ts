/**
 * The gateway's errors follow docs/design/architecture.md like the subgraphs': a code in
 * `extensions.code`, plain words, no internals. A request that cannot be
 * parsed or validated (also one over a limit) is a 400 with
 * GRAPHQL_PARSE_FAILED or GRAPHQL_VALIDATION_FAILED, never a 500; anything
 * without a known code is masked by the hub's formatter
 * (services/shared/src/errors.ts). Production answers carry no
 * `extensions.serviceName`.
 */
import { GraphQLError, type ValidationRule } from 'graphql';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createErrorFormatter } from '../../services/shared/src/errors.ts';
import type { Logger } from '../../services/shared/src/logger.ts';
import { t } from '../../services/shared/src/i18n.ts';

/**
 * A GraphQLError of any copy of graphql-js: Hive's packages load both its ESM and its CommonJS
 * build, so `instanceof` is not enough.
 */
const isGraphQLError = (e: unknown): e is GraphQLError => e instanceof Error && e.name === 'GraphQLError';

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    ...(error.nodes ? { nodes: error.nodes } : {}),
    ...(error.source ? { source: error.source } : {}),
    ...(error.positions ? { positions: error.positions } : {}),
    ...(error.originalError ? { originalError: error.originalError } : {}),
    extensions: { ...error.extensions, code: error.extensions.code ?? code, http: { status: 400 } },
  });
}

/** Parse and validation failures (graphql-armor's limits included) get Apollo's codes and status 400. */
export function useRequestErrorCodes(): GatewayPlugin {
  return {
    onParse() {
      return ({ result, replaceParseResult }) => {
        if (isGraphQLError(result)) replaceParseResult(withCode(result, 'GRAPHQL_PARSE_FAILED'));
        else if (result instanceof Error) replaceParseResult(withCode(new GraphQLError(result.message), 'GRAPHQL_PARSE_FAILED'));
      };
    },
    onValidate() {
      return ({ result, setResult }) => {
        const errors: readonly Error[] = result;
        if (errors.length > 0) setResult(errors.map((e) => withCode(isGraphQLError(e) ? e : new GraphQLError(e.message), 'GRAPHQL_VALIDATION_FAILED')));
      };
    },
    // Yoga marks these errors as the GraphQL-over-HTTP spec's, which answers them 200 to a
    // client accepting application/json; the hub answers a request it refuses 400, always.
    // An event stream carries the error as an event and prints it whole: no status to give there.
    onResultProcess({ request, result }) {
      if (Array.isArray(result) || !('errors' in result) || !result.errors) return;
      const stream = request.headers.get('accept')?.includes('text/event-stream') ?? false;
      for (const error of result.errors) {
        const code = error.extensions?.code;
        if (code !== 'GRAPHQL_PARSE_FAILED' && code !== 'GRAPHQL_VALIDATION_FAILED') continue;
        if (stream) delete (error.extensions as Record<string, unknown>).http;
        else error.extensions.http = { status: 400 };
      }
    },
  };
}

/** Production refuses introspection with words a caller understands (and the same code as any invalid request). */
export const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema' || node.name.value === '__type') {
      context.reportError(new GraphQLError(String(t`GraphQL introspection is not allowed in production mode.`), { nodes: [node] }));
    }
  },
});

/**
 * An operation of a type the schema does not have (a subscription, while no subgraph offers
 * one) is an invalid request; graphql-js 16 leaves that to execution, where the query planner
 * would fail on it as an internal error.
 */
export const knownOperationTypes: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (!context.getSchema().getRootType(node.operation)) {
      context.reportError(new GraphQLError(String(t`The schema has no ${node.operation} operations.`), { nodes: [node] }));
    }
  },
});

export function useKnownOperationTypes(): GatewayPlugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(knownOperationTypes);
    },
  };
}

export function useNoIntrospection(): GatewayPlugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(noIntrospection);
    },
  };
}

/**
 * Yoga's `maskError`: the hub's formatter decides what a caller may read. The error keeps its
 * `http` extension (Yoga takes the status from it and never prints it); development keeps the
 * subgraph's name, production drops it.
 */
/** `{ message, extensions? }`, as a GraphQL error is sent over the wire. */
function isErrorShape(e: unknown): e is { message: string; extensions?: Record<string, unknown> } {
  if (typeof e !== 'object' || e === null || e instanceof Error) return false;
  const { message, extensions } = e as { message?: unknown; extensions?: unknown };
  return typeof message === 'string' && (extensions === undefined || (typeof extensions === 'object' && extensions !== null));
}

export function createMaskError(log: Logger, mode: 'development' | 'production') {
  const format = createErrorFormatter(log);
  return (error: unknown): Error => {
    // a subgraph's error in a subscription's event reaches here as the plain object of its JSON
    const original = isGraphQLError(error) ? error : isErrorShape(error) ? new GraphQLError(error.message, { extensions: error.extensions }) : undefined;
    const given = original?.extensions ?? {};
    const formatted = format(original ? original.toJSON() : { message: error instanceof Error ? error.message : String(error) }, error);
    const { serviceName, ...rest } = formatted.extensions ?? {};
    // A variable that does not fit its type (a subgraph refused it before executing anything) is
    // the caller's input error, named by the caller's variable: no subgraph to name.
    const coercion = /^Variable "\$\w+" got invalid value /.test(formatted.message);
    const extensions = { ...rest, ...(mode === 'development' && serviceName !== undefined && !coercion ? { serviceName } : {}) };
    const { http, stacktrace: _stack, ...kept } = given as Record<string, unknown>;
    if (original && formatted.message === original.message && JSON.stringify(extensions) === JSON.stringify(kept)) return original;
    return new GraphQLError(formatted.message, {
      ...(original?.nodes ? { nodes: original.nodes } : {}),
      ...(original?.path ? { path: original.path } : {}),
      ...(original?.originalError ? { originalError: original.originalError } : {}),
      extensions: { ...extensions, ...(http ? { http } : {}) },
    });
  };
}
