/**
 * A subgraph's SDL: the types every subgraph shares (services/shared/schema/common.graphql)
 * followed by the subgraph's own schema.graphql. Start-up, composition and graphql-codegen
 * all read it through here, so the shared types exist once. Paths are relative to this
 * module, never the working directory.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, type DocumentNode } from 'graphql';
import type { SubgraphName } from './env.ts';

export const COMMON_SDL_PATH = fileURLToPath(new URL('../schema/common.graphql', import.meta.url));

export function subgraphSdlPath(name: SubgraphName): string {
  return fileURLToPath(new URL(`../../${name}/schema.graphql`, import.meta.url));
}

/** The subgraph's own file first (it carries the `extend schema @link`), then the shared types. */
export function subgraphSdl(name: SubgraphName): string {
  return `${readFileSync(subgraphSdlPath(name), 'utf8')}\n${readFileSync(COMMON_SDL_PATH, 'utf8')}`;
}

export function loadSchema(name: SubgraphName): DocumentNode {
  return parse(subgraphSdl(name));
}
