/**
 * graphql-codegen settings of the probation subgraph (read by the root codegen.ts):
 * which TypeScript type a resolver receives as parent for each GraphQL type
 * (the drizzle row, or the key a reference carries). Paths are relative to
 * src/generated/resolvers.ts.
 */
import { commonMappers } from '../shared/codegen.ts';

export const mappers: Record<string, string> = { ...commonMappers };
export const contextType = '../context.ts#ProbationContext';
