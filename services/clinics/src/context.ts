/** The per-request context of the clinics subgraph. */
import type { HubContext } from '../../shared/src/subgraph.ts';
import type * as schema from './db/schema.ts';
import type { Loaders } from './loaders.ts';

export type ClinicsContext = HubContext<typeof schema, Loaders>;
