/** Loads a subgraph's schema.graphql relative to the module that asks, never the working directory. */
import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

export function loadSchema(url: URL): DocumentNode {
  return parse(readFileSync(url, 'utf8'));
}
