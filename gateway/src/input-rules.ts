/**
 * The input rules of services/shared/src/input-rules.ts, checked at the gateway as well, before
 * any query plan: a request that breaks them is refused here (one BAD_USER_INPUT per field,
 * the same words as a subgraph's), so no subgraph receives it. The subgraphs check again on
 * their own (a request that reaches one by another path is refused the same way); the date
 * range is theirs only (the gateway's Date and DateTime scalars pass values on as they came).
 *
 * An operation that declares no variables has the same inputs on every request (its literals):
 * what the rules find in it is kept with its parsed document (Yoga keeps one parsed document per
 * query text) and not walked again. An operation with variables is walked on every request.
 */
import { getOperationAST, type DocumentNode, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { inputProblems, inputRefusal, type InputProblem } from '../../services/shared/src/input-rules.ts';

/** Per schema (a reloaded supergraph is another), per parsed document: the problems of each of its operations without variables. */
type Found = WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, readonly InputProblem[]>>>;

/** The problems of the operation's inputs; remembered for an operation without variables. */
export function operationInputProblems(
  found: Found,
  args: Pick<ExecutionArgs, 'schema' | 'document' | 'operationName' | 'variableValues'>,
): readonly InputProblem[] {
  const { schema, document, operationName, variableValues } = args;
  const operation = getOperationAST(document, operationName);
  if (!operation) return [];
  if (operation.variableDefinitions?.length) return inputProblems(schema, document, operation, variableValues ?? undefined);
  let bySchema = found.get(schema);
  if (!bySchema) found.set(schema, (bySchema = new WeakMap()));
  let byOperation = bySchema.get(document);
  if (!byOperation) bySchema.set(document, (byOperation = new Map<string, readonly InputProblem[]>()));
  const key = operationName ?? '';
  let problems = byOperation.get(key);
  if (!problems) byOperation.set(key, (problems = inputProblems(schema, document, operation, undefined)));
  return problems;
}

export function useInputRules(): GatewayPlugin {
  const found: Found = new WeakMap();
  return {
    onExecute({ args, setResultAndStopExecution }) {
      // every broken rule at once: one BAD_USER_INPUT error per field
      const problems = operationInputProblems(found, args);
      if (problems.length > 0) setResultAndStopExecution({ errors: problems.map(inputRefusal), data: null });
    },
  };
}
