// `stratum validate <files…>`: the deploy-time checks, offline. The files are
// validated together, as one deployment: a call activity may name a process of
// any of them.
import { readFile } from 'node:fs/promises';
import { decodeXml } from '../../interop/index.js';
import type { Finding } from '../../errors.js';
import { lintFiles, type BpmnSource } from '../../lint/lint-bpmn.js';
import { readBpmnFiles, reason } from '../bpmn-files.js';
import { formatFinding } from '../format-finding.js';
import { formatJobTypes, jobTypesOf } from '../job-types.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, parseCommandLine, usageError, type CliIO, type Command } from '../command.js';
import { messageChangeLines } from '../message-changes.js';
import { relatedConditionLines } from '../related-conditions.js';
import { deployedLibraryFindings, type ServerCheck } from './remote-validate.js';

const HELP = `Usage: stratum validate [options] <file.bpmn | file.dmn | folder>…

Checks BPMN and DMN files the way a deployment does and prints one line per finding:
  <file>:<element id>: <message> (<rule>)
  <file>:<element id>: warning: <message> (<rule>)
The element id is "-" when a finding concerns the whole file. Then the job
types a worker must serve, each with the elements that publish it (and the
Camunda 7 class, expression or connector it stands for). The files are
checked together: a call activity may call a process of any of them, a
business rule task a decision of any .dmn file. A folder stands for the .bpmn
and .dmn files in it.

Options:
  --users FILE  the server's users file (STRATUM_USERS): a user task's
                candidate group that no user in it is in is an error.
                Without it candidate groups are not checked (a note says so)
  --server URL  check against the library deployed on this server (POST
                /api/impact without replay): calls to deployed processes
                resolve, and the findings are those of the whole library as
                it would be after deploying the files; --users is not needed
                (the server knows its users). The token is --token or STRATUM_TOKEN.
                Conditions in other processes that still compare with a
                constant the files move, and messages whose catching elements
                they alter, are printed as warnings after the findings, as
                "stratum impact" prints them (not with --json)
  --quiet, -q   print errors only
  --json        print the findings as a JSON array instead
  --help, -h    show this help

Exit status: 0 no errors (warnings allowed), 1 at least one error,
2 a file could not be read or the command line is wrong.`;

export const validate: Command = {
  name: 'validate',
  summary: 'check BPMN files as a deployment would (FEEL, called processes, gateways, tasks …)',
  help: HELP,
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandLine(this, args, {
      quiet: { type: 'boolean', short: 'q' }, json: { type: 'boolean' }, users: { type: 'string' }, server: { type: 'string' }, token: { type: 'string' },
    } as const, io);
    if ('exit' in parsed) return parsed.exit;
    const { values, positionals } = parsed;
    if (positionals.length === 0) {
      return usageError(this, 'name at least one .bpmn or .dmn file or folder', io).exit;
    }

    const { sources, problems } = await readSources(positionals);
    if (problems.length > 0) {
      for (const problem of problems) io.err(`stratum validate: ${problem}`);
      return EXIT_USAGE;
    }

    let remote: ServerCheck | undefined;
    if (values.server !== undefined) {
      const answer = await deployedLibraryFindings(values.server, values.token ?? process.env.STRATUM_TOKEN, positionals);
      if (typeof answer === 'string') {
        io.err(`stratum validate: ${answer}`);
        return EXIT_USAGE;
      }
      remote = answer;
    }
    let taskGroups: { known: string[]; severity: 'error' } | undefined;
    if (remote) {
      // the server checks candidate groups against its own users
    } else if (values.users !== undefined) {
      const groups = await groupsWithMembers(values.users);
      if (typeof groups === 'string') {
        io.err(`stratum validate: ${groups}`);
        return EXIT_USAGE;
      }
      taskGroups = { known: groups, severity: 'error' };
    } else {
      io.err('stratum validate: note: candidate groups are not checked against users; pass --users FILE (the server\'s STRATUM_USERS file) to check them');
    }

    const findings = remote ? remote.findings : await lintFiles(sources, taskGroups ? { taskGroups } : {});
    const shown = values.quiet ? findings.filter((finding) => finding.severity === 'error') : findings;
    if (values.json) io.out(JSON.stringify(shown, null, 2));
    else {
      for (const finding of shown) io.out(formatFinding(finding));
      // the server's impact check names them beside the findings: warnings, as lint's
      const related = values.quiet ? [] : remote?.relatedConditions ?? [];
      for (const line of relatedConditionLines(related)) io.out(line);
      const messages = values.quiet ? [] : remote?.messages ?? [];
      for (const line of messageChangeLines(messages)) io.out(line);
      // what the workers must serve, with the Camunda 7 code each job stands for
      if (!values.quiet) for (const line of formatJobTypes(await jobTypesOf(sources))) io.out(line);
      io.out(summary(sources.length, findings, related.length + messages.length));
    }
    return findings.some((finding) => finding.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
  },
};

/** `file:elementId: message (rule)`; warnings say so. */
/** `otherWarnings`: the related conditions and messages the server named beside the findings. */
function summary(fileCount: number, findings: Finding[], otherWarnings = 0): string {
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  const warnings = findings.length - errors + otherWarnings;
  const files = plural(fileCount, 'file');
  if (errors === 0 && warnings === 0) return `${files} checked: no problems`;
  return `${files} checked: ${errors === 0 ? 'no errors' : plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

// helpers

async function readSources(paths: string[]): Promise<{ sources: BpmnSource[]; problems: string[] }> {
  const { files, problems } = await readBpmnFiles(paths);
  const sources: BpmnSource[] = [];
  for (const file of files) {
    try {
      // decoded with the encoding the file declares (ISO-8859-1 files exist in the wild)
      sources.push({ name: file.path, xml: decodeXml(file.bytes) });
    } catch (error) {
      problems.push(`cannot read "${file.path}": ${reason(error)}`);
    }
  }
  return { sources, problems };
}

/** The groups of a users file (`{"users": [{"name", "token", "groups"}]}`), or what is wrong with it. Tokens are not read. */
async function groupsWithMembers(path: string): Promise<string[] | string> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    return error instanceof SyntaxError ? `the users file "${path}" is not JSON: ${error.message}` : `cannot read "${path}": ${reason(error)}`;
  }
  const users = (json as { users?: unknown })?.users;
  const valid = Array.isArray(users) && (users as unknown[]).every((user) => {
    const groups = (user as { groups?: unknown } | null)?.groups;
    return Array.isArray(groups) && (groups as unknown[]).every((group) => typeof group === 'string');
  });
  if (!valid) return `the users file "${path}" must look like {"users": [{"name": …, "token": …, "groups": ["…"]}]}`;
  return [...new Set((users as { groups: string[] }[]).flatMap((user) => user.groups))];
}
