/**
 * The Swedish catalogue, one file per part of the hub (services/shared/src/i18n.ts explains the
 * keys). To add a message: write it with t`` in English, then its Swedish here under the same key
 * in the part's file; tests/unit/i18n.test.ts fails on a key without Swedish and on an unused one.
 */
import { shared } from './shared.ts';
import { gateway } from './gateway.ts';
import { psychiatry } from './psychiatry.ts';
import { municipality } from './municipality.ts';
import { probation } from './probation.ts';
import { clinics } from './clinics.ts';

export const CATALOGUES: Record<string, Record<string, string>> = { shared, gateway, psychiatry, municipality, probation, clinics };

export const SWEDISH: ReadonlyMap<string, string> = new Map(Object.values(CATALOGUES).flatMap((c) => Object.entries(c)));
