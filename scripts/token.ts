/**
 * Prints a token of the development issuer for a demo caller:
 *   npm run --silent token -- --org municipality:1980 --roles CASEWORKER [--sub id] [--name "Name"] [--ttl seconds]
 */
import { parseArgs } from 'node:util';
import { DEV_ISSUER } from '../services/shared/src/env.ts';
import { organisation } from '../services/shared/src/directory.ts';
import { ROLES, ROLES_BY_AGENCY, type Role } from '../services/shared/src/caller.ts';
import { signToken } from '../services/shared/src/issuer.ts';
import { AUDIENCE, readLocalState } from './local-state.ts';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values } = parseArgs({
  options: { org: { type: 'string' }, roles: { type: 'string' }, sub: { type: 'string' }, name: { type: 'string' }, ttl: { type: 'string' } },
});
if (!values.org || !values.roles) fail('usage: npm run --silent token -- --org <orgId> --roles <ROLE,ROLE> [--sub <id>] [--name <name>] [--ttl <seconds>]');
const org = organisation(values.org) ?? fail(`unknown organisation ${values.org}; see \`organisations\` in the API or the README's demo callers`);
const roles = values.roles.split(',').map((r) => r.trim().toUpperCase());
for (const r of roles) {
  if (!(ROLES as readonly string[]).includes(r)) fail(`unknown role ${r}; roles are ${ROLES.join(', ')}`);
  if (!ROLES_BY_AGENCY[org.agency].includes(r as Role))
    fail(`${org.id} (${org.agency}) cannot hold the role ${r}; it can hold ${ROLES_BY_AGENCY[org.agency].join(', ')}`);
}
const state = readLocalState() ?? fail('No development issuer yet: run `npm start` once; it creates one under .hub/.');
const token = await signToken(state.issuer, {
  org: org.id,
  roles: roles as Role[],
  ...(values.sub ? { sub: values.sub } : {}),
  ...(values.name ? { name: values.name } : {}),
  ...(values.ttl ? { ttl: Number(values.ttl) } : {}),
  issuer: DEV_ISSUER,
  audience: AUDIENCE,
});
console.log(token);
