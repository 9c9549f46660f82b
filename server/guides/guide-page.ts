// A guide of docs/ (Markdown) as the small HTML page a browser shows: GitHub's heading ids, so the anchors of the
// modeler's lint findings (`/docs/validation.md#call-outcome-kept-error`) scroll to their section; GFM tables.
import { createHash } from 'node:crypto';
import { Marked, type Tokens } from 'marked';
import { gfmHeadingId } from 'marked-gfm-heading-id';

const STYLE = [
  'body{margin:0 auto;max-width:52rem;padding:1rem 1.5rem 4rem;font:16px/1.55 system-ui,sans-serif;color:#1f2328}',
  'h1,h2,h3,h4{line-height:1.25;margin-top:1.8em}',
  'a{color:#0969da}',
  'table{border-collapse:collapse;display:block;overflow-x:auto;margin:1em 0}',
  'th,td{border:1px solid #d1d9e0;padding:.3em .6em;vertical-align:top;text-align:left}',
  'th{background:#f6f8fa}',
  'code{font:.9em ui-monospace,monospace;background:#f6f8fa;padding:.1em .3em;border-radius:4px}',
  'pre{background:#f6f8fa;padding:.8em 1em;overflow-x:auto;border-radius:6px}',
  'pre code{padding:0;background:none}',
  'img{max-width:100%}',
  'blockquote{margin-left:0;padding-left:1em;border-left:4px solid #d1d9e0;color:#59636e}',
].join('');

/**
 * The page's own Content-Security-Policy: nothing runs, images come from this server (docs/images), and the one
 * inline stylesheet above is allowed by its hash. The server sends no policy of its own; this one keeps a guide
 * inert whatever its Markdown holds.
 */
export const GUIDE_PAGE_POLICY = [
  "default-src 'none'",
  "img-src 'self'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const markdown = new Marked(
  { gfm: true },
  gfmHeadingId(),
  // HTML written in a guide is shown as text, not passed through: marked itself passes it unchanged
  { renderer: { html: ({ text, block }: Tokens.HTML | Tokens.Tag) => (block ? `<p>${escapeHtml(text)}</p>\n` : escapeHtml(text)) } },
);

/**
 * The complete HTML document of a guide. Links stay as written, so `api.md#pages` resolves beside the page under
 * /docs/ and `images/…` to the images served there; one that leaves docs/ (`../README.md`, `../engine/…`) resolves
 * to a path outside /docs/ that the server does not serve (a 404), as the plain text never linked anywhere.
 */
export function guidePage(source: string, fileName: string): string {
  const body = markdown.parse(source, { async: false });
  const firstHeading = /<h[1-6][^>]*>([\s\S]*?)<\/h[1-6]>/.exec(body)?.[1];
  // already escaped by marked; only the tags of code spans and links go
  const title = firstHeading === undefined ? escapeHtml(fileName) : firstHeading.replace(/<[^>]*>/g, '');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// helpers

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
