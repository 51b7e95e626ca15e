/** The committed supergraph is what composition produces now, and the gateway's API keeps to the contract. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSchema, findBreakingChanges } from 'graphql';
import { printSchema, Supergraph } from '@apollo/federation-internals';
import { composeSupergraph, SUPERGRAPH_PATH } from '../../schema/compose.ts';

/** A copy of ../shared/design/contract.graphql, so that any clone can check against it (CI checks the copy is current). */
const CONTRACT_COPY = new URL('../../schema/contract.graphql', import.meta.url);
const contract = buildSchema(readFileSync(CONTRACT_COPY, 'utf8'));
const supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
// The API schema crosses as SDL text: federation-internals loads graphql's CommonJS build.
const api = buildSchema(printSchema(Supergraph.build(supergraphSdl).apiSchema()));

describe('composition', () => {
  it('the committed schema/supergraph.graphql equals a fresh composition', () => {
    expect(supergraphSdl).toBe(composeSupergraph());
  });

  it('contains all of contract.graphql: graphql-js findBreakingChanges from the contract to the API finds nothing', () => {
    expect(findBreakingChanges(contract, api).map((c) => `${c.type}: ${c.description}`)).toEqual([]);
  });
});
