/** The AuditLog entity as this subgraph holds it: only its key, which carries the review's filter. */
import { auditLogFilter } from '../../../shared/src/audit-log.ts';

export interface AuditLogRef {
  key: string;
}

/** The period under review, read back from the key (openAuditLog checked it). */
export function auditLogPeriod(log: AuditLogRef): { from: Date; to: Date } {
  const f = auditLogFilter(log.key);
  return { from: new Date(f.from), to: new Date(f.to) };
}
