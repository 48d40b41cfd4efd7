import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/** Options of {@link requestJson}. */
export interface RequestJsonOptions {
  /** Provider name for messages, e.g. `PagerDuty`. */
  provider: string;
  /** What is being fetched, for 404 messages, e.g. `service P123`. */
  what: string;
  /** Retries after HTTP 429 (default 2). */
  maxRetries?: number;
  /** Longest Retry-After wait that is honoured, in ms (default 10 000). */
  maxWaitMs?: number;
  /** Timeout of one attempt, in ms (default 10 000). */
  timeoutMs?: number;
  /** Sleeps `ms` milliseconds (injectable for tests). */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

/**
 * Parses a `Retry-After` header (RFC 9110: delay in seconds, or an HTTP date) into
 * milliseconds; undefined when missing or unreadable.
 */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Pulls a human message out of a provider's JSON error body. */
function errorMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as any;
  // PagerDuty REST: { error: { message, errors: [] } }; Events API and Opsgenie:
  // { message, errors } / { message, requestId }
  const message = b.error?.message ?? b.message;
  const details = b.error?.errors ?? b.errors;
  let list: unknown[] = [];
  if (Array.isArray(details)) list = details;
  else if (details && typeof details === 'object')
    list = Object.values(details);
  return [message, ...list].filter(Boolean).join(': ') || undefined;
}

/**
 * Sends one JSON request to a provider's HTTP API and returns the parsed body, retrying
 * after HTTP 429 as the provider's `Retry-After` asks (up to `maxRetries` times).
 *
 * @throws ServiceUnavailableError (HTTP 503 to our caller) when the provider cannot be
 * reached, times out, answers 5xx, stays rate-limited, or rejects the portal's
 * credentials (401/403); NotFoundError on 404; InputError on other 4xx, with the
 * provider's own message.
 */
export async function requestJson<T>(
  url: string,
  init: RequestInit,
  options: RequestJsonOptions,
): Promise<{ body: T; status: number }> {
  const {
    provider,
    what,
    maxRetries = 2,
    maxWaitMs = 10_000,
    timeoutMs = 10_000,
    sleep = defaultSleep,
  } = options;
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, {
        ...init,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const reason =
        (e as Error).name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : (e as Error).message;
      throw new ServiceUnavailableError(
        `${provider} is unreachable (${reason})`,
      );
    }
    const text = await res.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (res.ok) return { body: body as T, status: res.status };

    const detail = errorMessage(body);
    if (res.status === 429) {
      const wait =
        parseRetryAfter(res.headers.get('retry-after')) ?? 1000 * 2 ** attempt;
      if (attempt < maxRetries && wait <= maxWaitMs) {
        await sleep(wait);
        continue;
      }
      throw new ServiceUnavailableError(
        `${provider} is rate-limiting the portal (HTTP 429)${
          res.headers.get('retry-after')
            ? `; retry after ${res.headers.get('retry-after')} s`
            : ''
        }`,
      );
    }
    if (res.status === 401 || res.status === 403) {
      throw new ServiceUnavailableError(
        `${provider} rejected the portal's credentials (HTTP ${res.status}${
          detail ? `: ${detail}` : ''
        }); check the on-call configuration`,
      );
    }
    if (res.status === 404) {
      throw new NotFoundError(
        `${provider} has no ${what} (HTTP 404${detail ? `: ${detail}` : ''})`,
      );
    }
    if (res.status >= 500) {
      throw new ServiceUnavailableError(
        `${provider} is unavailable (HTTP ${res.status}${
          detail ? `: ${detail}` : ''
        })`,
      );
    }
    throw new InputError(
      `${provider} rejected the request for ${what} (HTTP ${res.status}${
        detail ? `: ${detail}` : ''
      })`,
    );
  }
}
