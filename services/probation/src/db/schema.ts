/** Tables of the probation subgraph (frivården). */
export { auditEvent } from '../../../shared/src/audit.ts';
export { seedRun } from '../../../shared/src/seed-run.ts';
