// The process library: list, detail, exact XML, deploy and deployments, and the task groups
// a deployment's user tasks may name.
import type { DeployResult, Library, PreparedDeployment } from '../../engine/api.js';
import { encodeXml, xmlCharset } from '../../engine/interop/index.js';
import type { DeploymentInput } from '../http/deployment-body.js';
import { xmlMediaType } from '../http/negotiation.js';
import { ok, type Handlers, type Input, type Reply, type StagedHandler } from '../http/handler.js';
import { GROUPS } from '../auth/authenticate.js';
import type { UserDirectory } from '../auth/users.js';
import { HttpProblem } from '../problem.js';

export function libraryHandlers(library: Library, identities: { users: UserDirectory; demo: boolean }, rules: { requireNote: boolean } = { requireNote: false }): Handlers {
  const taskGroups = taskGroupCheck(identities);
  return {
    listProcesses: async () => ok(await library.list()),

    getProcess: async ({ params }: Input<unknown, unknown, { key: string }>) => {
      const detail = await library.get(params.key);
      if (!detail) throw new HttpProblem(404, `No process with key ${params.key} is deployed.`);
      return ok(detail);
    },

    getProcessXml: async ({ params, req }: Input<unknown, unknown, { key: string; version: number }>) => {
      const xml = await library.xml(params.key, params.version);
      if (xml === undefined) throw new HttpProblem(404, `Process ${params.key} has no version ${params.version}.`);
      // The deployed bytes: text decoded at deploy is encoded back as the file declares.
      return { status: 200, bytes: encodeXml(xml), contentType: `${xmlMediaType(req)}; charset=${xmlCharset(xml)}` };
    },

    listDecisions: async () => ok(await library.listDecisions()),

    getDecision: async ({ params }: Input<unknown, unknown, { id: string }>) => {
      const detail = await library.getDecision(params.id);
      if (!detail) throw new HttpProblem(404, `No decision with id ${params.id} is deployed.`);
      return ok(detail);
    },

    getDecisionXml: async ({ params, req }: Input<unknown, unknown, { id: string; version: number }>) => {
      const xml = await library.decisionXml(params.id, params.version);
      if (xml === undefined) throw new HttpProblem(404, `Decision ${params.id} has no version ${params.version}.`);
      return { status: 200, bytes: encodeXml(xml), contentType: `${xmlMediaType(req)}; charset=${xmlCharset(xml)}` };
    },

    // parsed and linted before the write's turn (a large library takes a while), stored in it
    deploy: {
      beforeTurn: ({ body: { files, note }, user }: Input<DeploymentInput>) => {
        if (rules.requireNote && !note?.trim()) {
          throw new HttpProblem(422, 'A deployment needs a note: say why the library changes (multipart field "note" or ?note=).', {
            errors: [{ field: 'note', message: 'is required' }],
          });
        }
        return library.prepare(files, { user: user!.name, ...(note ? { note } : {}), taskGroups: taskGroups() });
      },
      inTurn: async (_input: Input, prepared: PreparedDeployment) => deployed(await prepared.deploy()),
    } satisfies StagedHandler<PreparedDeployment>,

    getDeployment: async ({ params }: Input<unknown, unknown, { id: string }>) => {
      const deployment = await library.deployment(params.id);
      if (!deployment) throw new HttpProblem(404, `No deployment ${params.id} stored a version.`);
      return ok(deployment);
    },

    listGroups: () => Promise.resolve(ok({ groups: taskGroupsOf(identities.users), demo: identities.demo })),
  };
}

/**
 * 201 naming the deployment when it stored a version; 200 when every file was already deployed as it is: an
 * idempotent repeat created nothing, so there is nothing to name.
 */
function deployed(result: DeployResult): Reply {
  const changed = result.deployed.some((entry) => entry.changed) || result.decisions.some((entry) => entry.changed);
  if (!changed) return { status: 200, json: result };
  return { status: 201, json: result, headers: { Location: `/api/deployments/${encodeURIComponent(result.deploymentId)}` } };
}

/** Real users: a candidate group nobody is in refuses the deployment; demo users are only an example. */
export function taskGroupCheck(identities: { users: UserDirectory; demo: boolean }) {
  return () => ({ known: identities.users.groupsWithMembers(), severity: identities.demo ? ('warn' as const) : ('error' as const) });
}

// helpers

/** Groups with members, without the groups that grant server roles (designer, integration). */
function taskGroupsOf(users: UserDirectory): string[] {
  const roles = new Set<string>(Object.values(GROUPS));
  return users.groupsWithMembers().filter((group) => !roles.has(group));
}
