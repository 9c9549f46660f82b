// `stratum validate --server URL` and `stratum deploy`: what the server says of the
// files before they are deployed, from POST /api/impact without replay (nothing is
// stored): the findings of the library deployed on it as it would be after deploying
// them, the conditions elsewhere that still compare with a constant they move, and
// the messages whose catchers they alter.
import type { Finding } from '../../errors.js';
import type { MessageChange, RelatedCondition } from '../../impact/impact-report.js';
import { readBpmnFiles, type BpmnFileBytes } from '../bpmn-files.js';
import { apiUrl, refusal, uploadFiles } from '../server-upload.js';

const ANSWER_TIMEOUT_MS = 5 * 60_000;

export interface ServerCheck {
  findings: Finding[];
  /** An older server's report has none. */
  relatedConditions: RelatedCondition[];
  /** An older server's report has none. */
  messages: MessageChange[];
}

/** The server's check of the files at `paths`, or one line saying why it could not be had. */
export async function deployedLibraryFindings(server: string, token: string | undefined, paths: string[]): Promise<ServerCheck | string> {
  const endpoint = apiUrl(server, 'api/impact');
  if (typeof endpoint === 'string') return endpoint;
  if (!token) return 'checking against a server needs a designer\'s token: --token or the environment variable STRATUM_TOKEN';
  const { files, problems } = await readBpmnFiles(paths);
  if (problems.length) return problems.join('; ');
  const answer = await checkOnServer(server, token, files, ANSWER_TIMEOUT_MS);
  return 'check' in answer ? answer.check : answer.reason;
}

/** The server's check of `files` (findings named by the paths as given), or one line saying why it could not be had. */
export async function checkOnServer(
  server: string | undefined, token: string, files: BpmnFileBytes[], timeoutMs: number,
): Promise<{ check: ServerCheck } | { reason: string }> {
  const endpoint = apiUrl(server, 'api/impact');
  if (typeof endpoint === 'string') return { reason: endpoint };
  endpoint.searchParams.set('replay', 'false');
  try {
    const answer = await uploadFiles(endpoint, token, files, timeoutMs);
    const report = answer.json as { findings?: Finding[]; relatedConditions?: RelatedCondition[]; messages?: MessageChange[] } | undefined;
    if (answer.status !== 200 || !Array.isArray(report?.findings)) {
      return { reason: `the server refused (${refusal(answer)})` };
    }
    // The server names uploaded files by base name; show the paths as given.
    const byName = new Map(files.map((file) => [file.path.split(/[\\/]/).pop()!, file.path]));
    const findings = report.findings.map((finding) => (finding.file && byName.has(finding.file) ? { ...finding, file: byName.get(finding.file)! } : finding));
    return {
      check: {
        findings,
        relatedConditions: Array.isArray(report.relatedConditions) ? report.relatedConditions : [],
        messages: Array.isArray(report.messages) ? report.messages : [],
      },
    };
  } catch (error) {
    return { reason: (error as Error).message };
  }
}
