// `stratum impact --server URL <files…>`: what deploying these files would do,
// asked of the running server (POST /api/impact, nothing is stored), printed
// for a person or a CI log. Exit 1 when the change would block orders or the
// library would not deploy, so a pipeline stops before `stratum deploy`.
import type { ImpactReport } from '../../impact/impact-report.js';
import { readBpmnFiles } from '../bpmn-files.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, parseCommandLine, usageError, type CliIO, type Command } from '../command.js';
import { apiUrl, refusal, uploadFiles } from '../server-upload.js';
import { diffLines } from '../../impact/process-diff.js';
import { messageChangeLines } from '../message-changes.js';
import { relatedConditionLines } from '../related-conditions.js';
import { formatFinding } from '../format-finding.js';

const HELP = `Usage: stratum impact --server <url> [options] <file.bpmn | file.dmn | folder>…

Asks a running Stratum server what deploying these files would do, without
deploying them (POST /api/impact): per process the changes against the latest
deployed version, who calls it, which running orders stay on their version,
which will start the new one, and which would only if a change to the order
leads there (a raise approved again); per changed decision, the processes whose
business rule tasks call it and the running orders that can still reach one
(where they wait, which task); then the recorded orders replayed on the library
(and its decisions) as it would be, grouped by how the change alters their route,
and apart those that ran on an older version (the deployed library already
routes them otherwise: not this change's doing, never blocking); then, as
warnings, the conditions elsewhere that still compare with a constant a changed
condition moved (a tier written in two processes), and the messages whose
catching elements the change alters (a catch renamed to another message, added,
removed or correlated by another key: who catches the name before and after,
the running orders waiting for it, what senders must do); then the findings
of the whole library after the change.

Options:
  --server, -s <url>   the server, e.g. https://stratum.example.com
  --token, -t <token>  a bearer token of a user in group "designer"
                       (default: the environment variable STRATUM_TOKEN)
  --last <n>           replay the last n recorded orders (default 1000, at most 50000)
  --from <instant>     replay the orders entered from this ISO 8601 instant …
  --to <instant>       … up to this one
  --orders <n>         list at most n order numbers per group (default 20)
  --json               print the server's answer (JSON) instead
  --help, -h           show this help

Exit status: 0 the change blocks no recorded order and the library would
deploy, 1 it would block orders or the library has errors, 2 the command could
not do its job (command line, unreadable file, server unreachable or refusing).`;

const ANSWER_TIMEOUT_MS = 10 * 60_000;

export const impact: Command = {
  name: 'impact',
  summary: 'what deploying BPMN files would do to running and recorded orders (exit 1 when it would block orders)',
  help: HELP,
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandLine(this, args, {
      server: { type: 'string', short: 's' },
      token: { type: 'string', short: 't' },
      last: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      orders: { type: 'string' },
      json: { type: 'boolean' },
    } as const, io);
    if ('exit' in parsed) return parsed.exit;
    const { values, positionals } = parsed;
    const endpoint = apiUrl(values.server, 'api/impact');
    if (typeof endpoint === 'string') return usageError(this, endpoint, io).exit;
    const token = values.token ?? process.env.STRATUM_TOKEN;
    if (!token) return usageError(this, 'name a token of a designer with --token or the environment variable STRATUM_TOKEN', io).exit;
    if (positionals.length === 0) return usageError(this, 'name at least one .bpmn or .dmn file or folder', io).exit;
    for (const name of ['last', 'from', 'to'] as const) if (values[name] !== undefined) endpoint.searchParams.set(name, values[name]);
    const shown = values.orders === undefined ? 20 : Number(values.orders);
    if (!Number.isInteger(shown) || shown < 0) return usageError(this, '--orders must be a whole number', io).exit;

    const { files, problems } = await readBpmnFiles(positionals);
    if (problems.length > 0) {
      for (const problem of problems) io.err(`stratum impact: ${problem}`);
      return EXIT_USAGE;
    }
    let answer;
    try {
      answer = await uploadFiles(endpoint, token, files, ANSWER_TIMEOUT_MS);
    } catch (error) {
      io.err(`stratum impact: ${(error as Error).message}`);
      return EXIT_USAGE;
    }
    if (answer.status !== 200 || !isImpactReport(answer.json)) {
      io.err(`stratum impact: the server refused (${refusal(answer)})`);
      return EXIT_USAGE;
    }
    if (values.json) io.out(JSON.stringify(answer.json, null, 2));
    else printImpact(answer.json, shown, io);
    return answer.json.blocking ? EXIT_FINDINGS : EXIT_OK;
  },
};

/** The report as a person reads it. */
function printImpact(report: ImpactReport, shown: number, io: CliIO): void {
  for (const process of report.processes) {
    const was = process.previousVersion === null ? 'new process' : `was version ${process.previousVersion}`;
    io.out(`${process.key}: version ${process.version} (${was})${process.diff.unchanged ? ', no change that decides a route' : ''}`);
    for (const line of diffLines(process.diff)) io.out(`  ${line}`);
    for (const caller of process.whereUsed) io.out(`  ${callerLine(caller)}`);
    const { inside, willPickUp, couldPickUpOnChange: onChange } = process.runningOrders;
    io.out(`  running orders inside it, staying on their version: ${inside.count}${listed(inside.orders.map((order) => `${order.orderNo} (v${order.version})`), shown)}`);
    io.out(`  running orders that will start version ${process.version}: ${willPickUp.count}${listed(willPickUp.orders, shown)}`);
    if (onChange.count) io.out(`  running orders that would start version ${process.version} only if a change to the order leads there: ${onChange.count}${listed(onChange.orders, shown)}`);
  }
  for (const decision of report.decisions) {
    const was = decision.previousVersion === null ? 'new decision' : `was version ${decision.previousVersion}`;
    io.out(`decision ${decision.id}: version ${decision.version} (${was}), from ${decision.fileName}`);
    for (const caller of decision.whereUsed) io.out(`  ${callerLine(caller)}`);
    const { willEvaluate } = decision.runningOrders;
    io.out(`  running orders that will evaluate version ${decision.version}: ${willEvaluate.count}`);
    for (const order of willEvaluate.orders.slice(0, shown)) {
      io.out(`    ${order.orderNo} waits at ${order.waitingAt.map(elementPath).join(', ')}, reaches ${order.reaches.map(elementPath).join(', ')}`);
    }
    if (willEvaluate.count > shown && shown > 0) io.out(`    … and ${willEvaluate.count - shown} more`);
  }
  const { replay } = report;
  const older = replay.ranOnOlderVersion.count;
  io.out(`replay of ${replay.orders} recorded order${replay.orders === 1 ? '' : 's'} in ${replay.durationMs} ms: ${replay.changed} changed, ${replay.blocked} blocked` +
    (older ? `, ${older} ran on an older version` : ''));
  for (const group of replay.groups) {
    if (group.kind === 'unchanged') continue;
    io.out(`  ${groupLine(group, shown)}`);
  }
  // apart: what an earlier deployment did to them is not this change's impact
  if (older) io.out(`orders that ran on an older version, which the deployed library already routes otherwise (not this change's doing): ${older}`);
  for (const group of replay.ranOnOlderVersion.groups) io.out(`  on the deployed library, ${groupLine(group, shown)}`);
  // a moved threshold written elsewhere too: the designer decides whether that one moves with it
  for (const line of relatedConditionLines(report.relatedConditions ?? [])) io.out(line); // an older server's report has none
  // a catch renamed, added or removed: the systems that send the message decide what they send
  for (const line of messageChangeLines(report.messages ?? [], shown)) io.out(line); // an older server's report has none
  for (const finding of report.findings) io.out(formatFinding(finding));
  const errors = report.findings.filter((finding) => finding.severity === 'error').length;
  io.out(report.blocking
    ? `the change would block: ${replay.blocked} order${replay.blocked === 1 ? '' : 's'} blocked, ${errors} error${errors === 1 ? '' : 's'} in the library`
    : 'the change blocks no recorded order');
}

// helpers

function callerLine(caller: ImpactReport['processes'][number]['whereUsed'][number]): string {
  const elements = caller.elements.map((element) => element.elementId).join(', ');
  const versions = caller.versions.length ? `versions ${caller.versions.join(', ')}` : 'no deployed version';
  return `called by ${caller.processKey} (${versions}${caller.latestCalls ? '' : '; its latest version no longer calls it'}) at ${elements}`;
}

function groupLine(group: ImpactReport['replay']['groups'][number], shown: number): string {
  return `${group.count} order${group.count === 1 ? '' : 's'} ${group.description}${listed(group.orders, shown)}`;
}

function elementPath(element: { processKey: string; elementId: string }): string {
  return `${element.processKey}/${element.elementId}`;
}

function listed(orders: string[], shown: number): string {
  if (orders.length === 0 || shown === 0) return '';
  const more = orders.length > shown ? ` … and ${orders.length - shown} more` : '';
  return `: ${orders.slice(0, shown).join(', ')}${more}`;
}

function isImpactReport(json: unknown): json is ImpactReport {
  const report = json as Partial<ImpactReport> | undefined;
  return Array.isArray(report?.processes) && Array.isArray(report?.decisions) && typeof report?.replay === 'object' && Array.isArray(report?.findings) && typeof report?.blocking === 'boolean';
}
