/**
 * The resolver maps are typed from the SDL (`npm run codegen` writes
 * services/<subgraph>/src/generated/resolvers.ts), so the compiler refuses a
 * resolver for a field the schema does not have, or one that returns the
 * wrong type. Shown on a real map, the clinics' enrolment resolvers: the
 * TypeScript compiler checks small in-memory variants of that one file (the
 * rest read from disk, with the options of tsconfig.json) and must give
 * exactly the expected diagnostics, and none for the file as it is.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/processes.ts';

const FILE = join(ROOT, 'services/clinics/src/resolvers/enrolment.ts');
const ORIGINAL = readFileSync(FILE, 'utf8');

const options = (() => {
  const { config } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  return ts.parseJsonConfigFileContent(config, ts.sys, ROOT).options;
})();

/** Every other file is parsed once, for all the variants. */
const parsed = new Map<string, ts.SourceFile | undefined>();
let previous: ts.Program | undefined;

/** The compiler's diagnostic codes for FILE with `text` as its content (only FILE and what it imports are read). */
function diagnosticCodes(text: string): number[] {
  const host = ts.createCompilerHost(options, true);
  const readFromDisk = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (fileName === FILE) return ts.createSourceFile(fileName, text, languageVersion, true);
    if (!parsed.has(fileName)) parsed.set(fileName, readFromDisk(fileName, languageVersion, onError, shouldCreate));
    return parsed.get(fileName);
  };
  const program = ts.createProgram({ rootNames: [FILE], options, host, ...(previous ? { oldProgram: previous } : {}) });
  previous = program;
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(FILE)).map((d) => d.code);
}

/** FILE with one change inside the ClinicEffort resolver map (the change must apply exactly once). */
function variant(from: RegExp, to: string): string {
  const block = /export const ClinicEffort: ClinicEffortResolvers = \{[\s\S]*?\n\};/.exec(ORIGINAL)?.[0];
  expect(block, 'the ClinicEffort resolver map').toBeDefined();
  expect(block!.match(new RegExp(from.source, 'g')), `${from} in ClinicEffort`).toHaveLength(1);
  return ORIGINAL.replace(block!, block!.replace(from, to));
}

describe('resolver maps typed from the SDL', () => {
  // The first program reads and parses everything the file imports (the variants reuse it): a hook's time.
  let unchanged: number[];
  beforeAll(() => {
    unchanged = diagnosticCodes(ORIGINAL);
  });

  it('the clinics enrolment resolvers type-check as they are', () => {
    expect(unchanged).toEqual([]);
  });

  it('a resolver for a field ClinicEffort does not have (recordedBy renamed recordedByX) is refused as an unknown property', () => {
    // TS2561: "Object literal may only specify known properties, but 'recordedByX' does not exist
    // in type 'ClinicEffortResolvers'. Did you mean to write 'recordedBy'?" (TS2353 when no name is
    // near enough to suggest); and TS7006, since the resolver's parameter `e` loses its row type.
    expect(diagnosticCodes(variant(/\brecordedBy:/, 'recordedByX:'))).toEqual([2561, 7006]);
  });

  it('a resolver that returns a number for the Date field ClinicEffort.on is refused as a wrong type', () => {
    expect(diagnosticCodes(variant(/\bon: \(e\) => [^,\n]+/, 'on: (e) => 5'))).toEqual([2322]);
  });
});
