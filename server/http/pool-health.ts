// /healthz of `npm start`'s primary, one check and one answer wherever the
// primary serves it: on the management port's thread (health-worker.ts) and,
// with order routing, on the public API port itself (primary-health.ts). 200
// only while the primary's event loop runs, every worker listens and beats
// (worker-roster.ts), and the store answers a read; otherwise a problem+json
// 503 naming what is not. A server process of its own (no primary) gives the
// same answer without the workers. From the moment a stop begins (SIGTERM) it
// answers 503 `stopping`, so a load balancer takes the server out of rotation
// while it drains instead of sending requests it would refuse.
import type { ServerResponse } from 'node:http';
import { HttpProblem } from '../problem.js';
import { sendJson, sendProblem } from './plain-answers.js';
import { workersProblem, type WorkerSlotState } from './worker-roster.js';

/** /healthz answers 503 when an event loop has not run for this long (a write step takes milliseconds to a second). */
export const STALL_MS = 10_000;

/** What /healthz says while the server stops. */
const STOPPING_DETAIL = 'The server is stopping: it finishes the requests under way and takes no new ones.';

export interface HealthFacts {
  /** The server (or the primary) has begun to stop: it finishes the requests under way and takes no new ones. */
  stopping: boolean;
  /** How long the event loop that serves the workers (the primary's, or the one server's) has not run; 0 when it is the one asking. */
  loopStalledMs: number;
  /** In `npm start`'s primary: the workers' states and their beats (epoch ms per slot); null in a server process of its own. */
  workers: { states: WorkerSlotState[]; beats: BigInt64Array } | null;
  stallMs: number;
  /** Resolves true when the store answers a read; asked last, only when all else is well. */
  storeAnswers: () => Promise<boolean>;
}

/** Why /healthz is not 200, as the problem it answers; null when all is well. */
async function healthProblem(facts: HealthFacts): Promise<HttpProblem | null> {
  if (facts.stopping) return new HttpProblem(503, STOPPING_DETAIL);
  const whose = facts.workers ? "The primary process's" : "The server's";
  if (facts.loopStalledMs > facts.stallMs) return new HttpProblem(503, `${whose} event loop has not run for ${Math.round(facts.loopStalledMs / 1000)} s.`);
  const workers = facts.workers && workersProblem(facts.workers.states, facts.workers.beats, Date.now(), facts.stallMs);
  if (workers) return new HttpProblem(503, workers, { workers: facts.workers!.states });
  if (!(await facts.storeAnswers())) return new HttpProblem(503, 'The store does not answer.');
  return null;
}

/** Answers /healthz (GET or HEAD: Node leaves a HEAD answer's body out) with the check's outcome; `headers` go on either answer. */
export async function answerHealth(res: ServerResponse, url: string, facts: HealthFacts, headers: Record<string, string> = {}): Promise<void> {
  let problem: HttpProblem | null;
  try {
    problem = await healthProblem(facts);
  } catch {
    problem = new HttpProblem(500, 'The health check failed.');
  }
  if (res.headersSent || res.destroyed) return;
  if (problem) sendProblem(res, problem, url, headers);
  else sendJson(res, 200, 'application/json', { status: 'ok' }, headers);
}
