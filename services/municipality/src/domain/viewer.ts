/** Who the caller is, as their verified token says. */
import type { Caller } from '../../../shared/src/caller.ts';

export function viewerOf(caller: Caller) {
  return { userId: caller.userId, name: caller.name, organisation: caller.organisation, roles: caller.roles };
}
