// Who the bearer token belongs to: a page signed in with a token shows its name and groups, and reads from `roles`
// and `taskGroups` what it may do (GROUPS in auth/authenticate.ts), so no page keeps its own copy of that list.
import { GROUPS } from '../auth/authenticate.js';
import type { Handlers, Input } from '../http/handler.js';
import { ok } from '../http/handler.js';

const SERVER_ROLES: ReadonlySet<string> = new Set(Object.values(GROUPS));

export function meHandlers(): Handlers {
  return {
    getMe: ({ user }: Input) => {
      const groups = [...user!.groups].sort();
      return Promise.resolve(ok({
        name: user!.name,
        groups,
        roles: groups.filter((group) => SERVER_ROLES.has(group)),
        taskGroups: groups.filter((group) => !SERVER_ROLES.has(group)),
      }));
    },
  };
}
