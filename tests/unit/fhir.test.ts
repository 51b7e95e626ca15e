/** The shared FHIR builders on their own: ids, identifiers, HSA-ids, audit actions, the merge of bundles; each validates with no issue. */
import { describe, expect, it } from 'vitest';
import { mergeBundles } from '../../gateway/src/fhir.ts';
import { organisation } from '../../services/shared/src/directory.ts';
import {
  auditAction,
  auditEventResource,
  collectionBundle,
  fhirId,
  organizationResource,
  patientResource,
  FHIR_BASE,
  HSA_SYSTEM,
} from '../../services/shared/src/fhir.ts';
import { checkedBundle, fhirIssues } from '../helpers/fhir.ts';

const AT = new Date('2026-07-01T08:00:00Z');

describe('the shared FHIR builders', () => {
  it('gives name-based UUIDs: the same key the same id, another type another id', () => {
    const id = fhirId('Patient', 'p_x');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(fhirId('Patient', 'p_x')).toBe(id);
    expect(fhirId('Organization', 'p_x')).not.toBe(id);
  });

  it('names a samordningsnummer (day + 60) by its own system, a personnummer by its, and nothing malformed', () => {
    expect(patientResource('p_a', { identityNumber: '199001012380' }).identifier).toEqual([
      { use: 'official', system: 'http://electronichealth.se/identifier/personnummer', value: '199001012380' },
      { use: 'secondary', system: 'urn:coordination-hub:person', value: 'p_a' },
    ]);
    expect((patientResource('p_a', { identityNumber: '199001612380' }).identifier as Array<{ system: string }>)[0]!.system).toBe(
      'http://electronichealth.se/identifier/samordningsnummer',
    );
    expect(patientResource('p_a', { identityNumber: '1990-01' }).identifier).toEqual([
      { use: 'secondary', system: 'urn:coordination-hub:person', value: 'p_a' },
    ]);
  });

  it('gives an organisation its HSA-id where the directory has one, first, as official', () => {
    const org = organizationResource({ ...organisation('psychiatry:19')!, hsaId: 'SE2321000206-E000000000001' });
    expect(org.identifier).toEqual([
      { use: 'official', system: HSA_SYSTEM, value: 'SE2321000206-E000000000001' },
      { use: 'usual', system: 'urn:coordination-hub:organisation', value: 'psychiatry:19' },
    ]);
    expect(organizationResource(organisation('psychiatry:19')!).identifier).toEqual([
      { use: 'usual', system: 'urn:coordination-hub:organisation', value: 'psychiatry:19' },
    ]);
    expect(fhirIssues(org)).toEqual([]);
  });

  it('maps the hub’s actions to AuditEvent actions, anything unknown to execute', () => {
    expect(['CREATE', 'READ', 'UPDATE', 'SIGN', 'PURGE', 'SEARCH', 'AUDIT_REVIEW', 'DOWNLOAD'].map(auditAction)).toEqual([
      'C',
      'R',
      'U',
      'U',
      'D',
      'E',
      'E',
      'E',
    ]);
    const event = auditEventResource({
      id: '42.1',
      at: AT,
      userId: 'u1',
      userName: 'Granskare',
      organisation: { id: 'municipality:1980', name: 'Västerås' },
      roles: ['LOG_REVIEWER'],
      action: 'AUDIT_REVIEW',
      entity: 'AuditLog',
      basis: 'log review of own organisation',
    });
    expect(event).toMatchObject({ action: 'E', recorded: '2026-07-01T10:00:00.000+02:00', purposeOfEvent: [{ text: 'log review of own organisation' }] });
    expect(event.entity).toBeUndefined();
    expect(fhirIssues(event)).toEqual([]);
  });

  it('merges bundles into a searchset, each resource once, the fullest copy of the Patient kept', () => {
    const bare = patientResource('p_a');
    const named = patientResource('p_a', { identityNumber: '199001012380', name: 'Kim Klient' });
    const org = organizationResource(organisation('municipality:1980')!);
    const one = collectionBundle('one', AT, [bare, org]) as unknown as { entry: Array<{ fullUrl: string; resource: typeof bare }> };
    const two = collectionBundle('two', AT, [named, org]) as unknown as { entry: Array<{ fullUrl: string; resource: typeof bare }> };
    const merged = checkedBundle(JSON.stringify(mergeBundles('k', AT, [one, two])));
    expect(merged).toMatchObject({ type: 'searchset', total: 1 });
    expect(merged.entry.map((e) => [e.fullUrl, (e as unknown as { search: { mode: string } }).search.mode])).toEqual([
      [`${FHIR_BASE}/Patient/${bare.id}`, 'match'],
      [`${FHIR_BASE}/Organization/${org.id}`, 'include'],
    ]);
    expect(merged.entry[0]!.resource).toEqual(named);
  });
});
