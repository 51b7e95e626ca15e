/**
 * The input rules of services/shared/src/input-rules.ts, checked at the gateway as well, before
 * any query plan: a request that breaks them is refused here (one BAD_USER_INPUT per field,
 * the same words as a subgraph's), so no subgraph receives it. The subgraphs check again on
 * their own (a request that reaches one by another path is refused the same way); the date
 * range is theirs only (the gateway's Date and DateTime scalars pass values on as they came).
 */
import { getOperationAST, type ExecutionArgs } from 'graphql';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { inputProblems, inputRefusal } from '../../services/shared/src/input-rules.ts';

export function useInputRules(): GatewayPlugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const { schema, document, operationName, variableValues } = args as ExecutionArgs;
      const operation = getOperationAST(document, operationName);
      // every broken rule at once: one BAD_USER_INPUT error per field
      const problems = operation ? inputProblems(schema, document, operation, variableValues ?? undefined) : [];
      if (problems.length > 0) setResultAndStopExecution({ errors: problems.map(inputRefusal), data: null });
    },
  };
}
