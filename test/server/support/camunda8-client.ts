// Camunda's published Camunda 8 REST client, configured as docs/camunda-workers.md tells a user to: Stratum's
// address, no OAuth, a bearer token in front of every request.
import { createCamundaClient, type CamundaClient } from '@camunda8/orchestration-cluster-api';

export function camunda8Client(url: string, token: string): CamundaClient {
  return createCamundaClient({
    config: {
      CAMUNDA_REST_ADDRESS: url,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      // the client's default; `strict` refuses Stratum's keys, which are not Java longs
      CAMUNDA_SDK_VALIDATION: 'none',
      CAMUNDA_SDK_LOG_LEVEL: 'silent',
      CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS: 1,
    },
    fetch: (input, init) => {
      const headers = new Headers(input instanceof Request ? input.headers : init?.headers);
      headers.set('authorization', `Bearer ${token}`);
      return input instanceof Request ? fetch(new Request(input, { headers })) : fetch(input, { ...init, headers });
    },
  });
}

/** What the client throws for a refused call: its HTTP status, read from the error it raises (undefined: not refused). */
export async function refusal(call: PromiseLike<unknown>): Promise<number | undefined> {
  try {
    await call;
  } catch (error) {
    const status = (error as { status?: unknown; response?: { status?: unknown } }).status ?? (error as { response?: { status?: unknown } }).response?.status;
    return typeof status === 'number' ? status : -1;
  }
  return undefined;
}
