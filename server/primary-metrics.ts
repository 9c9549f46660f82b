// /metrics on the management port of `npm start`'s primary: the primary's own
// process metrics and its pool of workers. Each worker's request and step
// metrics stay on the API port's /metrics, answered by whichever worker the
// scrape reaches.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { WorkerRoster } from './http/worker-roster.js';

export function primaryMetrics(roster: WorkerRoster, expected: number): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'stratum_workers_expected',
    help: 'Server processes the primary keeps running (STRATUM_WORKERS).',
    registers: [registry],
    collect() {
      this.set(expected);
    },
  });
  new Gauge({
    name: 'stratum_workers_listening',
    help: 'Server processes that listen now (a replaced one counts once its replacement listens).',
    registers: [registry],
    collect() {
      this.set(roster.states.filter((slot) => slot.state === 'listening').length);
    },
  });
  let counted = 0;
  new Counter({
    name: 'stratum_worker_restarts_total',
    help: 'Server processes that died and were replaced.',
    registers: [registry],
    collect() {
      this.inc(roster.restarts - counted);
      counted = roster.restarts;
    },
  });
  return registry;
}
