// The guides at /docs/ for a browser: a request that prefers text/html gets the guide as an HTML page
// (guide-page.ts), anything else (curl, scripts, tests) the Markdown as text/plain, as before.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { guidePage, GUIDE_PAGE_POLICY } from './guide-page.js';

/**
 * A guide's path under /docs/ as requested: one file name, no folder, no leading dot and no escapes (`%2f`,
 * `%2e`), so it can only name a file directly in the guides' folder. Anything else goes on to express.static,
 * which keeps serving (or refusing) it as text as it always did.
 */
const GUIDE_PATH = /^\/([A-Za-z0-9][A-Za-z0-9_.-]*\.md)$/;

/** Middleware answering HTML to a browser for the guides in `dir`, each rendered once per version of its file. */
export function guidePages(dir: string) {
  const rendered = new Map<string, { mtimeMs: number; html: string }>();
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const name = GUIDE_PATH.exec(req.path)?.[1];
    if ((req.method !== 'GET' && req.method !== 'HEAD') || name === undefined) return next();
    // the same URL answers HTML or text by Accept: a cache must not hand one to the other
    res.vary('Accept');
    if (req.accepts(['text/plain', 'text/html']) !== 'text/html') return next();
    const path = join(dir, name);
    try {
      const { mtimeMs } = await stat(path);
      let page = rendered.get(path);
      if (page?.mtimeMs !== mtimeMs) {
        page = { mtimeMs, html: guidePage(await readFile(path, 'utf8'), name) };
        rendered.set(path, page);
      }
      res.setHeader('Content-Security-Policy', GUIDE_PAGE_POLICY);
      res.type('html').send(page.html);
    } catch (error) {
      // a guide that is not there (or is a folder) is express.static's 404, as for text
      if (isMissing(error)) return next();
      next(error);
    }
  };
}

// helpers

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR';
}
