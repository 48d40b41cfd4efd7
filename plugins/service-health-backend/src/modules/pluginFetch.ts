import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';

/**
 * A `fetchApi` for calling the backend plugin `targetPluginId` on behalf of
 * `credentials` (Backstage's plugin-to-plugin token), each request cut off after
 * `timeoutMs` milliseconds.
 */
export function fetchOnBehalfOf(options: {
  auth: AuthService;
  credentials: BackstageCredentials;
  targetPluginId: string;
  timeoutMs: number;
}): { fetch: typeof fetch } {
  const { auth, credentials, targetPluginId, timeoutMs } = options;
  return {
    fetch: async (input, init) => {
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId,
      });
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${token}`);
      return fetch(input, {
        ...init,
        headers,
        signal: AbortSignal.timeout(timeoutMs),
      });
    },
  };
}

/**
 * Why a whole batch request to `pluginId` failed, in words for a grey light: a 404 of
 * the route means the plugin is not installed; other error answers give their status
 * and message; no answer gives the network error (`timed out`, `ECONNREFUSED`, ...).
 */
export function describeBatchFailure(pluginId: string, error: unknown): string {
  if (error instanceof ResponseError) {
    if (error.statusCode === 404)
      return `the ${pluginId} plugin is not installed`;
    return `${pluginId} answered HTTP ${error.statusCode}: ${error.body.error.message}`;
  }
  const e = error as Error & { cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return `${pluginId} plugin timed out`;
  }
  return `${pluginId} plugin unreachable (${
    e?.cause?.code ?? e?.message ?? String(error)
  })`;
}
