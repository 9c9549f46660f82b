// Change safety: the impact of a candidate deployment (nothing is stored) and
// the semantic diff between two deployed versions.
import type { ImpactAnalysis } from '../../engine/api.js';
import type { DeploymentInput } from '../http/deployment-body.js';
import { ok, type Handlers, type Input } from '../http/handler.js';
import { withQueryInstants } from '../http/query-instants.js';
import { HttpProblem } from '../problem.js';

interface ImpactQuery {
  name?: string;
  note?: string;
  last?: number;
  from?: string;
  to?: string;
  replay?: boolean;
}

export function impactHandlers(impact: ImpactAnalysis, taskGroups: () => { known: string[]; severity: 'error' | 'warn' }): Handlers {
  return {
    analyseImpact: async ({ req, query: asSent, body: { files } }: Input<DeploymentInput, ImpactQuery>) => {
      // compared and handed on as instants: `new Date` threw on a leap second (a 500), and text compared offsets as letters
      const query = withQueryInstants(asSent, ['from', 'to']);
      if (query.from && query.to && query.from >= query.to) {
        throw new HttpProblem(422, 'The replay period is empty: from must be before to.', { errors: [{ field: 'query.from', message: 'must be before to' }] });
      }
      // A client that goes away stops the replay (and its worker processes) instead of leaving it running for nobody.
      const gone = new AbortController();
      const res = req.res!;
      const onClose = () => {
        if (!res.writableFinished) gone.abort(new HttpProblem(400, 'The client went away before the impact was computed.'));
      };
      res.once('close', onClose);
      if (req.socket.destroyed) onClose();
      const report = await impact.analyse(files, {
        signal: gone.signal,
        ...(query.last !== undefined && { last: query.last }),
        ...(query.replay === false && { replay: false }),
        ...(query.from && { from: query.from }),
        ...(query.to && { to: query.to }),
        taskGroups: taskGroups(),
      }).finally(() => res.off('close', onClose));
      return ok(report);
    },

    diffVersions: async ({ params, query }: Input<unknown, { to: number }, { key: string; version: number }>) => {
      const diff = await impact.diff(params.key, params.version, query.to);
      if (!diff) throw new HttpProblem(404, `Process ${params.key} has no version ${params.version} or ${query.to}.`);
      return ok(diff);
    },
  };
}
