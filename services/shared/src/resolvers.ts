/**
 * The part of the resolver map that psychiatry, probation and clinics write
 * the same way: organisations by reference, the subgraph's section of the
 * audit log, a Person arriving as its key, and the subgraph's section of a
 * council's indicator report. (The municipality owns AuditLog and
 * IndicatorReport, and resolves them itself.)
 */
import { auditLogResolvers } from './audit-log.ts';
import { reportKey, type ReportKey } from './councils.ts';
import { auditEventFhirResolvers } from './fhir.ts';
import { organisationResolvers, personReference } from './federation.ts';
import type { Indicator } from './indicators.ts';

type Section = 'psychiatry' | 'probation' | 'clinics';
type ReportRef = Parameters<typeof reportKey>[0];
type SectionResolver<C> = (report: ReportRef, args: unknown, ctx: C) => Promise<Indicator[]>;

export function commonResolvers<N extends Section, C, P extends object>(
  section: N,
  parts: { indicators: (ctx: C, report: ReportKey) => Promise<Indicator[]>; Person: P },
) {
  const resolve: SectionResolver<C> = (report, _, ctx) => parts.indicators(ctx, reportKey(report));
  return {
    ...organisationResolvers,
    ...auditLogResolvers(section),
    ...auditEventFhirResolvers,
    Person: { ...personReference, ...parts.Person },
    // the field is named after the section: IndicatorReport.psychiatry, .probation, .clinics
    IndicatorReport: { [section]: resolve } as Record<N, SectionResolver<C>>,
  };
}
