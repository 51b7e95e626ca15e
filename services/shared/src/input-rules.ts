/**
 * Rules every text input of every operation obeys, whatever field it is, checked once before
 * anything executes (so nothing is read or written): no control characters (NUL and the C0
 * set except tab, line feed and carriage return; DEL and the C1 set too), no lone surrogates
 * (half of a UTF-16 pair, which no database or log can store faithfully), a length by kind,
 * and lists of at most 100 items. A broken rule is BAD_USER_INPUT naming the input's path as
 * the caller wrote it (`input.currentProblems`, `input.participants[0].name`), in plain words.
 *
 * The kind of a text is decided by its name and type (README, Security):
 * - a cursor (`after`, `before`, `cursor`): at most 1,000 characters;
 * - an id (type ID) or a short name (`name`, `personnummer`, `role`, `title`, `email`, `phone`,
 *   `signedBy`, `responsible`, `idempotencyKey`, anything ending in `Id`): at most 200;
 * - any other String is free text: at most 10,000.
 * Each domain may be stricter (a goal is at most 1,000 characters, say).
 *
 * The arguments are walked by the schema's input types with the variables coerced as execution
 * will coerce them, inline literals included, on every field of the operation (nested fields'
 * arguments, fragments and `_entities` selections too).
 */
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  GraphQLError,
  isCompositeType,
  isInputObjectType,
  isListType,
  isScalarType,
  Kind,
  typeFromAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { t, type Msg } from './i18n.ts';

export const MAX_FREE_TEXT = 10_000;
export const MAX_NAME = 200;
export const MAX_CURSOR = 1_000;
export const MAX_LIST_ITEMS = 100;

const CURSOR_NAMES = new Set(['after', 'before', 'cursor']);
const SHORT_NAMES = new Set(['name', 'personnummer', 'role', 'title', 'email', 'phone', 'signedBy', 'responsible', 'idempotencyKey']);

/** The most characters a text input of this name and scalar type may have. */
export function maxLength(name: string, scalar: string): number {
  if (CURSOR_NAMES.has(name)) return MAX_CURSOR;
  if (scalar === 'ID' || SHORT_NAMES.has(name) || /Ids?$/.test(name)) return MAX_NAME;
  return MAX_FREE_TEXT;
}

// C0 controls except tab (09), line feed (0A) and carriage return (0D); DEL and C1 as well.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with one text value, in words after its path; null when nothing is. */
export function textProblem(value: string, max: number): Msg | null {
  if (CONTROL.test(value)) return t`contains a control character; remove it.`;
  if (LONE_SURROGATE.test(value)) return t`contains a broken character (half of a UTF-16 pair); remove it.`;
  if (value.length > max) {
    const length = [...value].length;
    if (length > max) return t`is ${length} characters long; at most ${max} are allowed.`;
  }
  return null;
}

export interface InputProblem {
  field: string;
  message: Msg;
}

/** Every problem of one input value (and its items and fields), in the order they are met, added to `out`. */
function checkValue(value: unknown, type: GraphQLInputType, path: string, name: string, out: InputProblem[]): void {
  if (value === null || value === undefined) return;
  const nt = getNullableType(type);
  if (isListType(nt)) {
    if (!Array.isArray(value)) return checkValue(value, nt.ofType, path, name, out);
    if (value.length > MAX_LIST_ITEMS) {
      out.push({ field: path, message: t`has ${value.length} items; at most ${MAX_LIST_ITEMS} are allowed.` });
      return;
    }
    for (let i = 0; i < value.length; i++) checkValue(value[i], nt.ofType, `${path}[${i}]`, name, out);
    return;
  }
  if (isInputObjectType(nt)) {
    if (typeof value !== 'object') return;
    const fields = nt.getFields();
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const f = fields[key];
      if (f) checkValue(v, f.type, `${path}.${key}`, key, out);
    }
    return;
  }
  // String, ID, and a custom scalar whose value is still text (Date): the same character rules.
  if (isScalarType(nt) && typeof value === 'string') {
    const message = textProblem(value, maxLength(name, nt.name));
    if (message) out.push({ field: path, message });
  }
}

/**
 * Every input of the operation that breaks a rule, in the order they are met (empty when none
 * does). Variables that do not fit their types are left to execution (which refuses them with
 * its own words).
 */
export function inputProblems(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | undefined,
): InputProblem[] {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {}, { maxErrors: 1 });
  if ('errors' in coerced && coerced.errors) return [];
  const variables = coerced.coerced ?? {};
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const visited = new Set<string>();
  const out: InputProblem[] = [];

  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (!('getFields' in parent)) continue;
        const def = parent.getFields()[sel.name.value];
        if (!def) continue;
        if (def.args.length > 0 && sel.arguments?.length) {
          let args: Record<string, unknown> | null = null;
          try {
            args = getArgumentValues(def, sel, variables);
          } catch {
            // execution refuses it
          }
          if (args) for (const a of def.args) checkValue(args[a.name], a.type, a.name, a.name, out);
        }
        const named = getNamedType(def.type);
        if (sel.selectionSet && isCompositeType(named)) walk(sel.selectionSet, named);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const on = sel.typeCondition ? typeFromAST(schema, sel.typeCondition) : parent;
        if (on && isCompositeType(on)) walk(sel.selectionSet, on);
      } else {
        const name = sel.name.value;
        const frag = fragments.get(name);
        if (!frag || visited.has(name)) continue;
        visited.add(name);
        const on = typeFromAST(schema, frag.typeCondition);
        if (on && isCompositeType(on)) walk(frag.selectionSet, on);
      }
    }
  };
  const root = schema.getRootType(operation.operation);
  if (root) walk(operation.selectionSet, root);
  return out;
}

/** The first input of the operation that breaks a rule, or null. */
export function inputProblem(...args: Parameters<typeof inputProblems>): InputProblem | null {
  return inputProblems(...args)[0] ?? null;
}

/** The refusal of a broken input rule: BAD_USER_INPUT, the field named, status 400. */
export function inputRefusal(problem: InputProblem): GraphQLError {
  return new GraphQLError(String(t`${problem.field}: ${problem.message}`), {
    extensions: { code: 'BAD_USER_INPUT', field: problem.field, http: { status: 400 } },
  });
}

/**
 * The refusal of every broken input rule at once: one error, whose `extensions.fieldErrors` the
 * subgraph answers as one BAD_USER_INPUT error per field (fieldErrorsPlugin in errors.ts).
 */
export function inputRefusals(problems: readonly InputProblem[]): GraphQLError {
  const [first, ...more] = problems;
  if (!first) throw new Error('inputRefusals needs at least one problem');
  if (more.length === 0) return inputRefusal(first);
  return new GraphQLError(String(t`${first.field}: ${first.message}`), {
    extensions: {
      code: 'BAD_USER_INPUT',
      field: first.field,
      fieldErrors: problems.map((p) => ({ field: p.field, message: String(t`${p.field}: ${p.message}`) })),
      http: { status: 400 },
    },
  });
}

/** Apollo Server plugin: every operation's inputs checked once it is resolved, before it executes. */
export function inputRulesPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ schema, document, operation, request }) {
          const problems = operation ? inputProblems(schema, document, operation, request.variables) : [];
          return problems.length > 0 ? Promise.reject(inputRefusals(problems)) : Promise.resolve();
        },
      });
    },
  };
}
