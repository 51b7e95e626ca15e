/**
 * The supergraph's shape that lets every router plan it: no field returns the shared
 * Indicator type through @requires (Hive Gateway refused that as "Multiple canonical
 * definitions"); council reports carry the council's scope in their @key instead, and a
 * section refuses a report whose key lacks a well-formed scope. The API schema The Guild's
 * composition publishes still contains all of schema/contract.graphql.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSchema, findBreakingChanges, parse } from 'graphql';
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { SUBGRAPHS } from '../../services/shared/src/env.ts';
import { subgraphSdl } from '../../services/shared/src/schema-file.ts';
import { reportKey, reportScope } from '../../services/shared/src/councils.ts';

const supergraph = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');

describe('the supergraph', () => {
  it('has no @requires on a field returning Indicator, and IndicatorReport is keyed by its scope in every subgraph', () => {
    const report = /type IndicatorReport [^{]*\{[\s\S]*?\n\}/.exec(supergraph)![0];
    expect(report).not.toMatch(/requires:/);
    expect(report.match(/key: "[^"]*"/g)).toEqual(Array(4).fill('key: "councilId from to scope"'));
    expect(report).toMatch(/scope: ID! @inaccessible/);
  });

  it.each([
    ['Rust', { unifiedGraphHandler }],
    ['JavaScript', {}],
  ])('loads in Hive Gateway with the %s query planner', async (_planner, handler) => {
    const gateway = createGatewayRuntime({ supergraph, logging: false, ...handler });
    try {
      const schema = await gateway.getSchema();
      expect(schema.getType('IndicatorReport')).toBeDefined();
      // @inaccessible: the scope is for subgraphs only.
      expect(Object.keys((schema.getType('IndicatorReport') as { getFields: () => object }).getFields())).not.toContain('scope');
    } finally {
      await gateway.dispose();
    }
  });

  it("The Guild's composition publishes an API schema that contains all of contract.graphql", () => {
    const result = composeServices(SUBGRAPHS.map((name) => ({ name, typeDefs: parse(subgraphSdl(name)) })));
    if (compositionHasErrors(result)) throw new Error(result.errors.map((e) => e.message).join('\n'));
    const contract = buildSchema(readFileSync(new URL('../../schema/contract.graphql', import.meta.url), 'utf8'));
    expect(findBreakingChanges(contract, buildSchema(result.publicSdl)).map((c) => c.description)).toEqual([]);
  });
});

describe("a section's report key", () => {
  const report = { councilId: 'council:local-1980', from: '2026-01-01', to: '2026-03-31' };
  const scope = { municipalityCodes: ['1980'], memberOrganisationIds: ['municipality:1980', 'psychiatry:19'] };

  it('reads the council’s municipalities and member organisations from the scope social services computed', () => {
    expect(reportKey({ ...report, scope: reportScope(scope) })).toEqual({ ...report, ...scope });
  });

  it.each([
    ['no scope', undefined],
    ['a null scope', null],
    ['a scope that is not one', 'not-a-scope'],
    ['a scope without member organisations', Buffer.from(JSON.stringify({ municipalityCodes: ['1980'] })).toString('base64url')],
    ['a scope with numbers for codes', Buffer.from(JSON.stringify({ municipalityCodes: [1980], memberOrganisationIds: [] })).toString('base64url')],
  ])('refuses a report with %s: FORBIDDEN, nothing computed', (_case, given) => {
    expect(() => reportKey({ ...report, scope: given })).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }));
  });
});
