/**
 * Composes the four subgraph schemas into schema/supergraph.graphql with The
 * Guild's @theguild/federation-composition (MIT; Apollo's composition is under
 * the Elastic License and stays out of the hub). `--check` fails (exit 1) when
 * the committed file is not what composition produces now. Exits non-zero on
 * composition errors.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { subgraphSdl } from '../services/shared/src/schema-file.ts';
import { DEFAULT_PORTS, SUBGRAPHS } from '../services/shared/src/env.ts';

export const SUPERGRAPH_PATH = fileURLToPath(new URL('./supergraph.graphql', import.meta.url));

export function composeSupergraph(): string {
  const result = composeServices(
    SUBGRAPHS.map((name) => ({
      name,
      // Default development URLs; the gateway (and any router) takes real ones from its configuration.
      url: `http://127.0.0.1:${DEFAULT_PORTS[name]}/graphql`,
      typeDefs: parse(subgraphSdl(name)),
    })),
  );
  if (compositionHasErrors(result)) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  return `${result.supergraphSdl.trim()}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const fresh = composeSupergraph();
    if (process.argv.includes('--check')) {
      let committed = '';
      try {
        committed = readFileSync(SUPERGRAPH_PATH, 'utf8');
      } catch {
        /* missing counts as stale */
      }
      if (committed !== fresh) {
        console.error('schema/supergraph.graphql is stale: run `npm run compose` and commit the result.');
        process.exit(1);
      }
      console.log('schema/supergraph.graphql is fresh.');
    } else {
      writeFileSync(SUPERGRAPH_PATH, fresh);
      console.log(`wrote ${SUPERGRAPH_PATH}`);
    }
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
