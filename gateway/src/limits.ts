/**
 * What one request may cost (docs/design/architecture.md, security model 9): depth,
 * aliases, tokens, directives and estimated cost by graphql-armor's Envelop
 * plugin; body size by the HTTP layer (server.ts); no batched requests; field
 * suggestions off in production so the schema cannot be guessed at.
 */
import type { GraphQLError, ValidationContext } from 'graphql';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';

export const LIMITS = { maxDepth: 12, maxAliases: 15, maxTokens: 4000, maxDirectives: 30, maxCost: 20_000 };

/**
 * The validation-time limits report their refusal as a validation error (a 400) rather than
 * throw it out of graphql-js's validate, which Yoga would answer as an unexpected error (a 500).
 */
const asValidationError = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

export function armor(mode: 'development' | 'production') {
  return EnvelopArmorPlugin({
    maxDepth: { n: LIMITS.maxDepth, ignoreIntrospection: true, ...asValidationError },
    maxAliases: { n: LIMITS.maxAliases, ...asValidationError },
    maxTokens: { n: LIMITS.maxTokens },
    maxDirectives: { n: LIMITS.maxDirectives, ...asValidationError },
    costLimit: { maxCost: LIMITS.maxCost, ignoreIntrospection: true, ...asValidationError },
    blockFieldSuggestion: { enabled: mode === 'production' },
  });
}
