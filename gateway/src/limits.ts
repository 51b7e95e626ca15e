/**
 * What one request may cost (architecture.md, security model 9): depth,
 * aliases, tokens, directives and estimated cost by graphql-armor; body size
 * by the HTTP layer; no batched requests; field suggestions off in
 * production so the schema cannot be guessed at.
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';

export const LIMITS = { maxDepth: 12, maxAliases: 15, maxTokens: 4000, maxDirectives: 30, maxCost: 20_000 };

export function armor(mode: 'development' | 'production') {
  return new ApolloArmor({
    maxDepth: { n: LIMITS.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: LIMITS.maxAliases },
    maxTokens: { n: LIMITS.maxTokens },
    maxDirectives: { n: LIMITS.maxDirectives },
    costLimit: { maxCost: LIMITS.maxCost, ignoreIntrospection: true },
    blockFieldSuggestion: { enabled: mode === 'production' },
  }).protect();
}
