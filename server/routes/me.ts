// Who the bearer token belongs to: a page signed in with a token shows its name and groups.
import type { Handlers, Input } from '../http/handler.js';
import { ok } from '../http/handler.js';

export function meHandlers(): Handlers {
  return {
    getMe: ({ user }: Input) => Promise.resolve(ok({ name: user!.name, groups: [...user!.groups].sort() })),
  };
}
