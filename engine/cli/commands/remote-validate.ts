// `stratum validate --server URL`: the findings of the library deployed on a
// server as it would be after deploying the files, from POST /api/impact
// without replay (nothing is stored).
import type { Finding } from '../../errors.js';
import { readBpmnFiles } from '../bpmn-files.js';
import { apiUrl, refusal, uploadFiles } from '../server-upload.js';

const ANSWER_TIMEOUT_MS = 5 * 60_000;

/** The findings, or one line saying why they could not be had. */
export async function deployedLibraryFindings(server: string, token: string | undefined, paths: string[]): Promise<{ findings: Finding[] } | string> {
  const endpoint = apiUrl(server, 'api/impact');
  if (typeof endpoint === 'string') return endpoint;
  if (!token) return 'checking against a server needs a designer\'s token: --token or the environment variable STRATUM_TOKEN';
  endpoint.searchParams.set('replay', 'false');
  const { files, problems } = await readBpmnFiles(paths);
  if (problems.length) return problems.join('; ');
  try {
    const answer = await uploadFiles(endpoint, token, files, ANSWER_TIMEOUT_MS);
    const findings = (answer.json as { findings?: Finding[] } | undefined)?.findings;
    if (answer.status !== 200 || !Array.isArray(findings)) return `the server refused (${refusal(answer)})`;
    // The server names uploaded files by base name; show the paths as given.
    const byName = new Map(files.map((file) => [file.path.split(/[\\/]/).pop()!, file.path]));
    return { findings: findings.map((finding) => (finding.file && byName.has(finding.file) ? { ...finding, file: byName.get(finding.file)! } : finding)) };
  } catch (error) {
    return (error as Error).message;
  }
}
