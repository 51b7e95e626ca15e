/**
 * graphql-codegen settings of the municipality subgraph (read by the root codegen.ts):
 * which TypeScript type a resolver receives as parent for each GraphQL type
 * (the drizzle row, or the key a reference carries). Paths are relative to
 * src/generated/resolvers.ts.
 */
import { commonMappers } from '../shared/codegen.ts';

// Social services owns IndicatorReport: its resolvers receive the whole report, not the reference.
export const mappers: Record<string, string> = { ...commonMappers, IndicatorReport: '../../../shared/src/councils.ts#ReportKey' };
export const contextType = '../context.ts#MunicipalityContext';
