import pLimit from 'p-limit';

/**
 * One series of an instant query's result: its labels and its value.
 */
export interface PrometheusSample {
  metric: Record<string, string>;
  /** The sample value; may be NaN or ±Inf as Prometheus sends them. */
  value: number;
}

/**
 * A failed query: Prometheus's own error (`bad_data: 1:8: parse error: ...`), a timeout,
 * an HTTP error status or an unreachable server. `message` is meant for people.
 */
export class PrometheusQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrometheusQueryError';
  }
}

/** Anything that can run an instant query; the real client and test wrappers implement it. */
export interface PrometheusQuerier {
  /**
   * Runs a PromQL instant query at the current time. Resolves to the samples of an
   * instant vector (one per series) or one sample for a scalar. Rejects with
   * {@link PrometheusQueryError}.
   */
  query(promql: string): Promise<PrometheusSample[]>;
}

function parseValue(raw: unknown): number {
  // Prometheus encodes sample values as strings: "1.5", "NaN", "+Inf", "-Inf".
  if (typeof raw !== 'string') return NaN;
  if (raw === '+Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(raw);
}

/**
 * A client for the Prometheus HTTP API's instant queries
 * (`POST /api/v1/query`, https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries),
 * with a per-query timeout and at most `maxConcurrency` queries in flight.
 */
export class PrometheusClient implements PrometheusQuerier {
  private readonly limit: ReturnType<typeof pLimit>;

  constructor(
    private readonly options: {
      /** e.g. http://localhost:9090, no trailing slash. */
      baseUrl: string;
      /** Milliseconds per query (sent to Prometheus as `timeout` too). */
      timeoutMs: number;
      maxConcurrency: number;
      token?: string;
    },
  ) {
    this.limit = pLimit(Math.max(1, options.maxConcurrency));
  }

  query(promql: string): Promise<PrometheusSample[]> {
    return this.limit(() => this.queryNow(promql));
  }

  private async queryNow(promql: string): Promise<PrometheusSample[]> {
    const { baseUrl, timeoutMs, token } = this.options;
    const body = new URLSearchParams({
      query: promql,
      timeout: `${Math.max(1, Math.floor(timeoutMs / 1000))}s`,
    });
    let res: Response;
    try {
      res = await fetch(`${baseUrl}/api/v1/query`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (err.name === 'TimeoutError' || err.name === 'AbortError') {
        throw new PrometheusQueryError(
          `Prometheus at ${baseUrl} did not answer within ${timeoutMs} ms`,
        );
      }
      const cause = err.cause?.code ?? err.cause?.message ?? err.message;
      throw new PrometheusQueryError(
        `Prometheus at ${baseUrl} is unreachable (${cause})`,
      );
    }
    let json: any;
    try {
      json = await res.json();
    } catch {
      throw new PrometheusQueryError(
        `Prometheus at ${baseUrl} answered HTTP ${res.status} ${res.statusText} without a JSON body`,
      );
    }
    if (json?.status !== 'success') {
      const message =
        typeof json?.error === 'string'
          ? `${json.errorType ? `${json.errorType}: ` : ''}${json.error}`
          : `HTTP ${res.status} ${res.statusText}`;
      throw new PrometheusQueryError(message);
    }
    const { resultType, result } = json.data ?? {};
    if (resultType === 'vector' && Array.isArray(result)) {
      return result.map((r: any) => ({
        metric: r.metric ?? {},
        value: parseValue(r.value?.[1]),
      }));
    }
    if (resultType === 'scalar' && Array.isArray(result)) {
      return [{ metric: {}, value: parseValue(result[1]) }];
    }
    throw new PrometheusQueryError(
      `the query returned a ${resultType}, not an instant vector or scalar`,
    );
  }
}
