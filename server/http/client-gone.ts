// A signal that aborts when the client closes the connection before its
// answer is sent: a long-polling fetch then stops waiting.
import type { Request } from 'express';

export function clientGone(req: Request): AbortSignal {
  const controller = new AbortController();
  const res = req.res;
  if (res) {
    // 'close' also follows a normal answer: aborting then is harmless
    res.once('close', () => controller.abort());
  }
  return controller.signal;
}
