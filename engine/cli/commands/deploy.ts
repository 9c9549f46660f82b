// `stratum deploy --server URL --note "…" <files…>`: deploys .bpmn files to a
// running server through its HTTP API (POST /api/deployments, multipart), so
// a CI pipeline ships diagrams without hand-written curl. Prints what the
// server answered the way `stratum validate` prints findings.
import { basename } from 'node:path';
import type { Finding } from '../../errors.js';
import { readBpmnFiles, type BpmnFileBytes } from '../bpmn-files.js';
import type { MessageChange, RelatedCondition } from '../../impact/impact-report.js';
import { apiUrl } from '../server-upload.js';
import { messageChangeLines } from '../message-changes.js';
import { relatedConditionLines } from '../related-conditions.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, parseCommandLine, usageError, type CliIO, type Command } from '../command.js';
import { checkOnServer } from './remote-validate.js';
import { formatFinding } from '../format-finding.js';

const HELP = `Usage: stratum deploy --server <url> --note <text> [options] <file.bpmn | file.dmn | folder>…

Deploys BPMN and DMN files to a running Stratum server as one deployment, exactly as
POST /api/deployments does: the server validates them together, refuses all
of them if any has an error, and gives every changed process a new version
(identical files are no-ops). Prints one line per process:
  <key> version <n>              a new version
  <key> version <n> (unchanged)  identical to the latest version
and the findings as "stratum validate" does:
  <file>:<element id>: [warning: ]<message> (<rule>)
then the conditions in other processes that still compare with a constant
the deployed files moved, and the messages whose catching elements they
alter, as "stratum impact" prints them (warnings: asked
of POST /api/impact without replay before deploying; when that check fails
or takes over a minute, the files are deployed without it, and a note says so).
A folder stands for the .bpmn and .dmn files in it.

Options:
  --server, -s <url>   the server, e.g. https://stratum.example.com
  --token, -t <token>  a bearer token of a user in group "designer"
                       (default: the environment variable STRATUM_TOKEN,
                       which keeps the token out of the process list)
  --note, -n <text>    the change note stored with the new versions
  --json               print the server's answer (JSON) instead (no related conditions)
  --help, -h           show this help

Exit status: 0 deployed, 1 the server refused the files (findings, a file it
cannot accept), 2 the command could not do its job (command line, unreadable
file, server unreachable, token refused, server error).`;

/** How long to wait for the server's answer: a deployment validates and compiles every file. */
const ANSWER_TIMEOUT_MS = 5 * 60_000;
/** How long the related conditions may hold the deployment up before it goes ahead without them. */
const CHECK_TIMEOUT_MS = 60_000;

export const deploy: Command = {
  name: 'deploy',
  summary: 'deploy BPMN files to a Stratum server (new versions, findings, exit 1 when refused)',
  help: HELP,
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandLine(
      this,
      args,
      {
        server: { type: 'string', short: 's' },
        token: { type: 'string', short: 't' },
        note: { type: 'string', short: 'n' },
        json: { type: 'boolean' },
      } as const,
      io,
    );
    if ('exit' in parsed) return parsed.exit;
    const { values, positionals } = parsed;

    const endpoint = apiUrl(values.server, 'api/deployments');
    if (typeof endpoint === 'string') return usageError(this, endpoint, io).exit;
    const token = values.token ?? process.env.STRATUM_TOKEN;
    if (!token) return usageError(this, 'name a token of a designer with --token or the environment variable STRATUM_TOKEN', io).exit;
    const note = values.note?.trim();
    if (!note) return usageError(this, 'say what changed with --note "…" (stored with the new versions)', io).exit;
    if (positionals.length === 0) return usageError(this, 'name at least one .bpmn or .dmn file or folder', io).exit;

    const { files, problems } = await readBpmnFiles(positionals);
    problems.push(...sameNameProblems(files));
    if (problems.length > 0) {
      for (const problem of problems) io.err(`stratum deploy: ${problem}`);
      return EXIT_USAGE;
    }
    if (endpoint.protocol === 'http:' && !isLoopback(endpoint.hostname)) {
      io.err(`stratum deploy: warning: the token travels unencrypted to ${endpoint.host}; use https`);
    }

    // asked before: once deployed, the files are the library, and nothing they change is left to compare with
    const { related, messages, missed } = values.json ? { related: [], messages: [] } : await serverWarningsOf(values.server, token, files);

    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, accept: 'application/json, application/problem+json' },
        body: uploadForm(files, note),
        signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
      });
    } catch (error) {
      io.err(`stratum deploy: cannot reach ${endpoint.origin}: ${networkReason(error)}`);
      return EXIT_USAGE;
    }
    const answer = await readAnswer(response);
    if (values.json && answer.json !== undefined) io.out(JSON.stringify(answer.json, null, 2));

    const localPath = pathsByUploadName(files);
    // 201: a deployment stored versions; 200: every file was already deployed as it is
    if ((response.status === 201 || response.status === 200) && isDeployResult(answer.json)) {
      if (!values.json) printDeployed(answer.json, { related, messages }, localPath, files.length, io);
      if (missed) io.err(`stratum deploy: note: conditions in other processes and message catchers were not checked: ${missed}`);
      return EXIT_OK;
    }
    if (!values.json) printRefusal(response, answer, localPath, files.length, io);
    if (!values.json && response.status === 413) printTooLarge(files, io);
    // The files themselves were refused: what `validate` calls findings. Anything else is the setup's fault.
    return response.status === 422 || response.status === 413 ? EXIT_FINDINGS : EXIT_USAGE;
  },
};

// helpers

interface DeployResult {
  deployed: { key: string; version: number; changed: boolean }[];
  /** Servers before DMN deployment do not send it. */
  decisions?: { id: string; version: number; changed: boolean }[];
  warnings: Finding[];
}

interface Problem {
  title?: string;
  detail?: string;
  errors?: { field: string; message: string }[];
  findings?: Finding[];
}

/** The server names each file by its base name, so two files of one name cannot go together. */
function sameNameProblems(files: BpmnFileBytes[]): string[] {
  const firstPath = new Map<string, string>();
  const problems: string[] = [];
  for (const file of files) {
    const name = basename(file.path);
    const other = firstPath.get(name);
    if (other !== undefined) problems.push(`"${other}" and "${file.path}" have the same file name; one deployment names each file once`);
    else firstPath.set(name, file.path);
  }
  return problems;
}

function uploadForm(files: BpmnFileBytes[], note: string): FormData {
  const form = new FormData();
  form.append('note', note);
  // The bytes as they are on disk: the server decodes the encoding each file declares.
  for (const file of files) form.append('files', new Blob([file.bytes], { type: 'application/octet-stream' }), basename(file.path));
  return form;
}

function pathsByUploadName(files: BpmnFileBytes[]): Map<string, string> {
  return new Map(files.map((file) => [basename(file.path), file.path]));
}

async function readAnswer(response: Response): Promise<{ json?: unknown; text: string }> {
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  if (!/^application\/(problem\+)?json/.test(type)) return { text };
  try {
    return { json: JSON.parse(text) as unknown, text };
  } catch {
    return { text };
  }
}

function isDeployResult(json: unknown): json is DeployResult {
  const result = json as Partial<DeployResult> | undefined;
  return Array.isArray(result?.deployed) && Array.isArray(result?.warnings);
}

/** What the server's impact check warns of beside a deployment's own warnings. */
interface ServerWarnings {
  related: RelatedCondition[];
  messages: MessageChange[];
}

/**
 * The conditions elsewhere that still compare with a constant the files move, and the messages whose catchers they
 * alter: the server's impact check without replay. A deployment never waits on it for long nor fails with it;
 * `missed` says why it could not be had, for a note when the files were deployed (a refused deployment says why itself).
 */
async function serverWarningsOf(server: string | undefined, token: string, files: BpmnFileBytes[]): Promise<ServerWarnings & { missed?: string }> {
  // decisions alone move no condition and catch no message
  if (files.every((file) => file.path.toLowerCase().endsWith('.dmn'))) return { related: [], messages: [] };
  const answer = await checkOnServer(server, token, files, CHECK_TIMEOUT_MS);
  return 'check' in answer
    ? { related: answer.check.relatedConditions, messages: answer.check.messages }
    : { related: [], messages: [], missed: answer.reason };
}

function printDeployed(result: DeployResult, { related, messages }: ServerWarnings, localPath: Map<string, string>, fileCount: number, io: CliIO): void {
  for (const entry of result.deployed) io.out(`${entry.key} version ${entry.version}${entry.changed ? '' : ' (unchanged)'}`);
  for (const entry of result.decisions ?? []) io.out(`decision ${entry.id} version ${entry.version}${entry.changed ? '' : ' (unchanged)'}`);
  for (const finding of result.warnings) io.out(formatFinding(withLocalPath(finding, localPath)));
  for (const line of relatedConditionLines(related)) io.out(line);
  for (const line of messageChangeLines(messages)) io.out(line);
  const entries = [...result.deployed, ...(result.decisions ?? [])];
  const changed = entries.filter((entry) => entry.changed).length;
  const unchanged = entries.length - changed;
  const parts = [plural(changed, 'new version'), ...(unchanged ? [`${unchanged} unchanged`] : []), plural(result.warnings.length + related.length + messages.length, 'warning')];
  io.out(`${plural(fileCount, 'file')} deployed: ${parts.join(', ')}`);
}

function printRefusal(response: Response, answer: { json?: unknown; text: string }, localPath: Map<string, string>, fileCount: number, io: CliIO): void {
  const problem = (answer.json ?? {}) as Problem;
  const findings = problem.findings ?? [];
  for (const finding of findings) io.out(formatFinding(withLocalPath(finding, localPath)));
  for (const error of problem.errors ?? []) io.err(`stratum deploy: ${localPath.get(error.field) ?? error.field}: ${error.message}`);
  const status = `${response.status} ${problem.title ?? response.statusText}`.trim();
  const detail = problem.detail ?? firstLine(answer.text);
  io.err(`stratum deploy: refused (${status})${detail ? `: ${detail}` : ''}`);
  if (findings.length > 0) {
    const errors = findings.filter((finding) => finding.severity === 'error').length;
    io.out(`${plural(fileCount, 'file')} refused: ${plural(errors, 'error')}, ${plural(findings.length - errors, 'warning')}; nothing was deployed`);
  }
}

/** The server's 413 names no file: name the files sent, largest first, and the setting that limits them. */
function printTooLarge(files: BpmnFileBytes[], io: CliIO): void {
  for (const file of [...files].sort((a, b) => b.bytes.length - a.bytes.length)) io.err(`stratum deploy: ${file.path}: ${file.bytes.length} bytes`);
  const together = files.length > 1 ? ', all files of one deploy together' : '';
  io.err(`stratum deploy: the server's STRATUM_BODY_LIMIT caps one upload${together}; deploy fewer files at once, or have the limit raised`);
}

function withLocalPath(finding: Finding, localPath: Map<string, string>): Finding {
  return finding.file === undefined ? finding : { ...finding, file: localPath.get(finding.file) ?? finding.file };
}

function networkReason(error: unknown): string {
  if ((error as Error).name === 'TimeoutError') return `no answer within ${ANSWER_TIMEOUT_MS / 60_000} minutes`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname);
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.slice(0, 200) ?? '';
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
