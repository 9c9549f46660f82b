// Change safety: the impact of a candidate deployment (nothing is stored) and
// the semantic diff between two deployed versions.
import type { ImpactAnalysis } from '../../engine/api.js';
import { readDeployment } from '../http/deployment-body.js';
import { ok, type Handlers, type Input } from '../http/handler.js';
import { HttpProblem } from '../problem.js';

interface ImpactQuery {
  name?: string;
  note?: string;
  last?: number;
  from?: string;
  to?: string;
  replay?: boolean;
}

export function impactHandlers(impact: ImpactAnalysis, limits: { bodyBytes: number }, taskGroups: () => { known: string[]; severity: 'error' | 'warn' }): Handlers {
  return {
    analyseImpact: async ({ req, query }: Input<unknown, ImpactQuery>) => {
      const { files } = await readDeployment(req, req.res!, limits.bodyBytes, query);
      if (query.from && query.to && query.from >= query.to) {
        throw new HttpProblem(422, 'The replay period is empty: from must be before to.', { errors: [{ field: 'query.from', message: 'must be before to' }] });
      }
      const report = await impact.analyse(files, {
        ...(query.last !== undefined && { last: query.last }),
        ...(query.replay === false && { replay: false }),
        ...(query.from && { from: new Date(query.from).toISOString() }),
        ...(query.to && { to: new Date(query.to).toISOString() }),
        taskGroups: taskGroups(),
      });
      return ok(report);
    },

    diffVersions: async ({ params, query }: Input<unknown, { to: number }, { key: string; version: number }>) => {
      const diff = await impact.diff(params.key, params.version, query.to);
      if (!diff) throw new HttpProblem(404, `Process ${params.key} has no version ${params.version} or ${query.to}.`);
      return ok(diff);
    },
  };
}
