/**
 * FHIR R4 export: the builders every subgraph shares (Patient, Organization,
 * AuditEvent, the collection Bundle) and the hub's identifier systems. A
 * subgraph builds its own record's resources (ServiceRequest and Task in
 * psychiatry, CarePlan, CareTeam, Goal and Consent in social services) from
 * the row the caller was allowed to read, and puts them with these in one
 * Bundle. The map follows docs/design/rules.md ("A map to FHIR R4").
 *
 * Every resource's id is a name-based UUID of the hub's own key, so the same
 * Patient or Organization has the same fullUrl in every bundle (a per-person
 * export can merge bundles); references inside a bundle are relative (Type/id).
 */
import { createHash } from 'node:crypto';
import type { Organisation } from './directory.ts';
import { formatStockholm } from './time.ts';

/** A FHIR resource as JSON; the tests validate every one against the R4 definitions. */
export type FhirResource = { resourceType: string; id: string } & Record<string, unknown>;
export interface FhirReference {
  reference?: string;
  display?: string;
}

/** The Swedish base profiles' identifier systems (rules.md). */
export const PERSONNUMMER_SYSTEM = 'http://electronichealth.se/identifier/personnummer';
export const SAMORDNINGSNUMMER_SYSTEM = 'http://electronichealth.se/identifier/samordningsnummer';
/** HSA-id, for organisations (and staff) the national directory knows. */
export const HSA_SYSTEM = 'urn:oid:1.2.752.29.4.19';
/** The hub's own keys: the pseudonymous person id, the directory's organisation id, a record's id. */
export const HUB_PERSON_SYSTEM = 'urn:coordination-hub:person';
export const HUB_ORGANISATION_SYSTEM = 'urn:coordination-hub:organisation';
export const HUB_RECORD_SYSTEM = 'urn:coordination-hub:record';
/** The hub's own status codes (the GraphQL enums), carried beside FHIR's. */
export const HUB_STATUS_SYSTEM = 'urn:coordination-hub:status';

/** A name-based UUID (the layout of version 5, over SHA-256) of a resource type and the hub's key. */
export function fhirId(resourceType: string, key: string): string {
  const h = createHash('sha256').update(`${resourceType}|${key}`, 'utf8').digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The base of the bundles' fullUrls: the hub's logical FHIR base (the reserved .invalid domain:
 * a name, not an address to fetch from). fullUrls are RESTful, base/Type/id, so the references
 * inside a bundle are relative (Type/id) and resolve against it, and FHIR validators can check
 * each reference's target type (a urn:uuid reference names no type).
 */
export const FHIR_BASE = 'https://coordination-hub.invalid/fhir/R4';
export const fullUrlOf = (r: { resourceType: string; id: string }): string => `${FHIR_BASE}/${r.resourceType}/${r.id}`;
/** A reference to a resource of the same bundle. */
export function ref(r: FhirResource, display?: string): FhirReference {
  const reference = `${r.resourceType}/${r.id}`;
  return display ? { reference, display } : { reference };
}

/** FHIR dateTime/instant: ISO 8601 with the Stockholm offset, as the GraphQL DateTime. */
export const fhirDateTime = (at: Date): string => formatStockholm(at);

/** The hub's pseudonymous key of a person; the only identifier for a caller who does not see the number. */
export const personKey = (personId: string) => fhirId('Patient', personId);

/**
 * A person as Patient: always the pseudonymous hub id; the personnummer or
 * samordningsnummer (12 digits, normalised) and the name only when the
 * caller may see them on the record the bundle exports.
 */
export function patientResource(personId: string, shown: { identityNumber?: string | null; name?: string | null } = {}): FhirResource {
  const identifier: Array<Record<string, string>> = [{ use: 'secondary', system: HUB_PERSON_SYSTEM, value: personId }];
  const number = shown.identityNumber;
  if (number && /^\d{12}$/.test(number)) {
    // a samordningsnummer has the day of birth + 60 (SKV 707)
    const samordning = Number(number.slice(6, 8)) > 60;
    identifier.unshift({ use: 'official', system: samordning ? SAMORDNINGSNUMMER_SYSTEM : PERSONNUMMER_SYSTEM, value: number });
  }
  const patient: FhirResource = { resourceType: 'Patient', id: personKey(personId), identifier };
  if (shown.name) {
    const parts = shown.name.trim().split(/\s+/);
    const family = parts.length > 1 ? parts.pop()! : undefined;
    patient.name = [{ use: 'official', text: shown.name, ...(family ? { family } : {}), given: parts }];
  }
  return patient;
}

const ORGANIZATION_TYPE: Record<Organisation['agency'], { code: string; display: string }> = {
  MUNICIPALITY: { code: 'govt', display: 'Government' },
  PSYCHIATRY: { code: 'prov', display: 'Healthcare Provider' },
  PROBATION: { code: 'govt', display: 'Government' },
  CLINIC: { code: 'prov', display: 'Healthcare Provider' },
};

/** An organisation of the directory as Organization: the hub's id, its HSA-id where the directory has one. */
export function organizationResource(org: Organisation): FhirResource {
  const identifier: Array<Record<string, string>> = [{ use: 'usual', system: HUB_ORGANISATION_SYSTEM, value: org.id }];
  if (org.hsaId) identifier.unshift({ use: 'official', system: HSA_SYSTEM, value: org.hsaId });
  const type = ORGANIZATION_TYPE[org.agency];
  return {
    resourceType: 'Organization',
    id: fhirId('Organization', org.id),
    identifier,
    active: true,
    type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', ...type }], text: org.agency }],
    name: org.name,
    ...(org.municipalityCode ? { address: [{ district: org.municipalityCode, country: 'SE' }] } : {}),
  };
}

/** One member of staff in their organisation, as PractitionerRole (name and telecom as the record shows them). */
export function practitionerRoleResource(
  key: string,
  person: { name: string; userId?: string | null; phone?: string | null; email?: string | null; role?: string | null },
  organization: FhirResource,
): FhirResource {
  const telecom = [
    ...(person.phone ? [{ system: 'phone', value: person.phone, use: 'work' }] : []),
    ...(person.email ? [{ system: 'email', value: person.email, use: 'work' }] : []),
  ];
  return {
    resourceType: 'PractitionerRole',
    id: fhirId('PractitionerRole', key),
    ...(person.userId ? { identifier: [{ system: 'urn:coordination-hub:user', value: person.userId }] } : {}),
    active: true,
    practitioner: { display: person.name },
    organization: ref(organization, String(organization.name)),
    ...(person.role ? { code: [{ text: person.role }] } : {}),
    ...(telecom.length > 0 ? { telecom } : {}),
  };
}

/** A hub record's own id as an identifier. */
export const recordIdentifier = (entity: string, id: string) => ({ system: `${HUB_RECORD_SYSTEM}:${entity}`, value: id });

/** The fields of an audit event as the audit log shows them (services/shared/src/audit-log.ts auditEventView). */
export interface AuditEventFields {
  id: string;
  /** a Date, or its ISO text where the view holds the scalar's form */
  at: Date | string;
  userId: string;
  userName: string;
  organisation: { id: string; name: string };
  roles: readonly string[];
  action: string;
  entity: string;
  entityId?: string | null;
  personId?: string | null;
  fields?: readonly string[] | null;
  basis: string;
  ownerOrganisation?: { id: string; name: string } | null;
}

const AUDIT_ACTION: Record<string, 'C' | 'R' | 'U' | 'D' | 'E'> = {
  CREATE: 'C',
  READ: 'R',
  SEARCH: 'E',
  UPDATE: 'U',
  SIGN: 'U',
  END: 'U',
  PURGE: 'D',
  DELETE: 'D',
  AUDIT_REVIEW: 'E',
};

/** The FHIR AuditEvent action of a hub action: C, R, U, D or E (execute: searches, reviews and the rest). */
export const auditAction = (action: string) => AUDIT_ACTION[action] ?? 'E';

/**
 * An audit event as AuditEvent (DICOM "Patient Record" events, the RESTful
 * interaction in the subtype): the user and their organisation as the agent,
 * the record and the person as entities (by the hub's ids only), the basis as
 * the purpose of use.
 */
export function auditEventResource(e: AuditEventFields): FhirResource {
  const entities = [
    ...(e.entityId
      ? [
          {
            what: { identifier: recordIdentifier(e.entity, e.entityId), display: e.entity },
            type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
            ...(e.fields && e.fields.length > 0 ? { detail: [{ type: 'fields', valueString: e.fields.join(',') }] } : {}),
          },
        ]
      : []),
    ...(e.personId
      ? [
          {
            what: { identifier: { system: HUB_PERSON_SYSTEM, value: e.personId } },
            type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
            role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
          },
        ]
      : []),
  ];
  return {
    resourceType: 'AuditEvent',
    id: fhirId('AuditEvent', e.id),
    type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110110', display: 'Patient Record' },
    subtype: [{ system: HUB_STATUS_SYSTEM, code: e.action }],
    action: auditAction(e.action),
    recorded: fhirDateTime(e.at instanceof Date ? e.at : new Date(e.at)),
    outcome: '0',
    purposeOfEvent: [{ text: e.basis }],
    agent: [
      {
        who: { identifier: { system: 'urn:coordination-hub:user', value: e.userId }, display: e.userName },
        requestor: true,
        role: e.roles.map((r) => ({ text: r })),
      },
    ],
    source: {
      site: e.organisation.id,
      observer: {
        identifier: { system: HUB_ORGANISATION_SYSTEM, value: (e.ownerOrganisation ?? e.organisation).id },
        display: (e.ownerOrganisation ?? e.organisation).name,
      },
    },
    ...(entities.length > 0 ? { entity: entities } : {}),
  };
}

/** A Bundle of type collection: each resource once (by type and id), with its fullUrl. */
export function collectionBundle(key: string, at: Date, resources: readonly FhirResource[]): FhirResource {
  const seen = new Set<string>();
  const entry = [];
  for (const r of resources) {
    const url = fullUrlOf(r);
    if (seen.has(url)) continue;
    seen.add(url);
    entry.push({ fullUrl: url, resource: r });
  }
  return { resourceType: 'Bundle', id: fhirId('Bundle', key), type: 'collection', timestamp: fhirDateTime(at), entry };
}

/** AuditEvent.fhirResource, the same in every subgraph (the event was authorized by its log section). */
export const auditEventFhirResolvers = {
  AuditEvent: { fhirResource: (e: AuditEventFields) => JSON.stringify(auditEventResource(e)) },
};
