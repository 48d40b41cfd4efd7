import { createHmac } from 'node:crypto';

/**
 * An event as Flux's notification-controller posts it to a `generic` /
 * `generic-hmac` provider (`eventv1.Event` of fluxcd/pkg/apis/event), as the
 * release manager's `POST /webhook/flux/{env}` accepts it (its `fluxEventSchema`).
 */
export interface FluxEvent {
  involvedObject: {
    kind: string;
    name: string;
    namespace?: string;
    apiVersion?: string;
  };
  /** `info` or `error`. */
  severity: 'info' | 'error';
  /** RFC 3339. */
  timestamp: string;
  message: string;
  /** `ReconciliationSucceeded`, `ReconciliationFailed`, `BuildFailed`, ... */
  reason: string;
  /** `revision` is `<branch>@sha1:<commit>`, as Flux writes it. */
  metadata: Record<string, string>;
  reportingController: string;
  reportingInstance: string;
}

/** Outcome of one apply of a release folder, to be reported. */
export interface ApplyOutcome {
  environment: string;
  namespace: string;
  service: string;
  path: string;
  /** `<branch>@sha1:<commit>` */
  revision: string;
  ok: boolean;
  /** On failure: why (for people). */
  message: string;
  reason: string;
}

/** The Flux event of an apply outcome. */
export function fluxEvent(o: ApplyOutcome, cluster: string): FluxEvent {
  return {
    involvedObject: {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      name: o.service,
      namespace: o.namespace,
    },
    severity: o.ok ? 'info' : 'error',
    timestamp: new Date().toISOString(),
    message: o.message,
    reason: o.reason,
    metadata: {
      revision: o.revision,
      path: o.path,
      cluster,
    },
    reportingController: 'kustomize-controller',
    reportingInstance: `slipway-local-cluster/${cluster}`,
  };
}

/** Where and how events are posted. */
export interface FluxReporterOptions {
  /** Release manager base URL; empty: reporting is off. */
  url: string;
  /** Bearer token (the release manager's daemon token). */
  token: string;
  /** When set, the body is signed (`X-Signature: sha256=<hex HMAC>`), as Flux's `generic-hmac` provider does. */
  hmacSecret?: string;
  timeoutMs?: number;
}

/**
 * Posts Flux events to `{url}/webhook/flux/{env}`.
 * @returns `delivered` (2xx), `rejected` (4xx: retrying will not help; the text
 *   says why) or `failed` (network or 5xx: try again later)
 */
export async function postFluxEvent(
  options: FluxReporterOptions,
  environment: string,
  event: FluxEvent,
): Promise<{ result: 'delivered' | 'rejected' | 'failed'; detail: string }> {
  if (!options.url) return { result: 'delivered', detail: 'reporting off' };
  const body = JSON.stringify(event);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    authorization: `Bearer ${options.token}`,
  };
  if (options.hmacSecret) {
    headers['x-signature'] = `sha256=${createHmac('sha256', options.hmacSecret)
      .update(body)
      .digest('hex')}`;
  }
  try {
    const res = await fetch(
      `${options.url}/webhook/flux/${encodeURIComponent(environment)}`,
      {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      },
    );
    const text = (await res.text()).slice(0, 500);
    if (res.ok) return { result: 'delivered', detail: `${res.status}` };
    return {
      result: res.status >= 400 && res.status < 500 ? 'rejected' : 'failed',
      detail: `HTTP ${res.status}: ${text}`,
    };
  } catch (e) {
    return { result: 'failed', detail: (e as Error).message };
  }
}
