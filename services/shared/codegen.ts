/**
 * graphql-codegen mappers for the types every subgraph shares (common.graphql), spread
 * into each subgraph's own (services/<name>/codegen.ts). Paths are relative to a
 * subgraph's src/generated/resolvers.ts.
 */
export const commonMappers: Record<string, string> = {
  Organisation: '../../../shared/src/directory.ts#Organisation as DirectoryOrganisation',
  Indicator: '../../../shared/src/indicators.ts#Indicator as PublishedIndicator',
  Person: '../../../shared/src/federation.ts#PersonKey',
  IndicatorReport: '../../../shared/src/councils.ts#ReportReference',
};
