import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  HealthLight,
  InputHealth,
  worstLight,
} from '@slipway/plugin-service-health-common';
import {
  DEFAULT_ENVIRONMENTS,
  RELEASE_MANAGER_SERVICE_ANNOTATION,
} from '@slipway/plugin-release-manager-common';

/**
 * A non-metric input to the light (rollout state, open incidents). Implementations never
 * throw: a missing, unconfigured or failing source gives a grey {@link InputHealth} whose
 * summary says why.
 */
export interface HealthInputSource {
  get(entity: Entity): Promise<InputHealth>;
}

const describeFetchError = (e: unknown) => {
  const err = e as Error & { cause?: { code?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError')
    return 'timed out';
  return err.cause?.code ?? err.message;
};

/**
 * Rollout state from the Slipway release manager (packages/release-manager):
 * `GET <baseUrl>/status?service=<service>` with a bearer token, a Lunar-compatible
 * response whose `environments[].rollout.phase` (Slipway extension) is `unknown`,
 * `progressing`, `succeeded` or `failed`. Failed in any environment is red, progressing
 * amber, succeeded green; nothing reported is grey. The service is the entity's
 * `slipway.dev/release-manager-service` annotation, else its name.
 */
export class ReleaseManagerRolloutSource implements HealthInputSource {
  constructor(
    private readonly options: {
      /** e.g. http://localhost:7100; undefined when not configured. */
      baseUrl?: string;
      token?: string;
      /** Milliseconds. */
      timeoutMs: number;
    },
  ) {}

  async get(entity: Entity): Promise<InputHealth> {
    const { baseUrl, token, timeoutMs } = this.options;
    if (!baseUrl) {
      return {
        light: 'grey',
        summary:
          'rollout unknown: serviceHealth.releaseManager.baseUrl is not configured',
      };
    }
    const service =
      entity.metadata.annotations?.[
        RELEASE_MANAGER_SERVICE_ANNOTATION
      ]?.trim() || entity.metadata.name;
    let res: Response;
    try {
      res = await fetch(
        `${baseUrl}/status?service=${encodeURIComponent(service)}`,
        {
          headers: token ? { authorization: `Bearer ${token}` } : {},
          signal: AbortSignal.timeout(timeoutMs),
        },
      );
    } catch (e) {
      return {
        light: 'grey',
        summary: `rollout unknown: release manager at ${baseUrl} unreachable (${describeFetchError(
          e,
        )})`,
      };
    }
    const body: any = await res.json().catch(() => undefined);
    if (!res.ok) {
      const why =
        res.status === 404
          ? `the release manager does not know service ${service}`
          : `release manager answered HTTP ${res.status}${
              body?.message ? `: ${body.message}` : ''
            }`;
      return { light: 'grey', summary: `rollout unknown: ${why}` };
    }
    const environments: any[] = Array.isArray(body?.environments)
      ? body.environments
      : DEFAULT_ENVIRONMENTS.filter(name => body?.[name])
          .map(name => ({ name, ...body[name] }));
    const bad: { light: HealthLight; text: string }[] = [];
    const good: { name: string; text: string }[] = [];
    for (const env of environments) {
      const rollout = env?.rollout;
      const phase = rollout?.phase;
      const replicas =
        typeof rollout?.availableReplicas === 'number' &&
        typeof rollout?.desiredReplicas === 'number'
          ? ` (${rollout.availableReplicas}/${rollout.desiredReplicas} ready)`
          : '';
      if (phase === 'failed') {
        const error = rollout.errors?.[0];
        const reason = error?.reason
          ? `: ${error.container ?? ''} ${error.reason}`.trimEnd()
          : '';
        bad.push({ light: 'red', text: `${env.name}: failed${reason}` });
      } else if (phase === 'progressing') {
        bad.push({
          light: 'amber',
          text: `${env.name}: progressing${replicas}`,
        });
      } else if (phase === 'succeeded') {
        good.push({ name: env.name, text: `${env.name}${replicas}` });
      }
    }
    if (bad.length === 0 && good.length === 0) {
      return {
        light: 'grey',
        summary: `rollout unknown: no rollout reported for ${service}`,
      };
    }
    if (bad.length === 0) {
      return {
        light: 'green',
        summary: `succeeded in ${good.map(g => g.text).join(', ')}`,
      };
    }
    // Worst environments first, then the healthy ones by name only.
    const ordered = [
      ...bad.filter(p => p.light === 'red'),
      ...bad.filter(p => p.light === 'amber'),
    ];
    return {
      light: worstLight(bad.map(p => p.light)),
      summary: `${ordered.map(p => p.text).join(', ')}${
        good.length ? `; succeeded in ${good.map(g => g.name).join(', ')}` : ''
      }`,
    };
  }
}

/**
 * Open incidents from the Slipway on-call plugin (pluginId `on-call`):
 * `GET <on-call base URL>/entities/:namespace/:kind/:name/incidents`, with a
 * service-to-service token. Reads an array of incidents, or `{ items }` / `{ incidents }`,
 * each with `urgency` (`high` | `low`) and `status`; resolved ones are ignored. Any high
 * urgency open incident is red, only low is amber, none is green.
 */
export class OnCallIncidentSource implements HealthInputSource {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      enabled: boolean;
      /** Milliseconds. */
      timeoutMs: number;
    },
  ) {}

  async get(entity: Entity): Promise<InputHealth> {
    const { discovery, auth, enabled, timeoutMs } = this.options;
    if (!enabled) {
      return {
        light: 'grey',
        summary: 'incidents unknown: serviceHealth.onCall.enabled is false',
      };
    }
    const namespace = entity.metadata.namespace ?? 'default';
    const kind = entity.kind.toLocaleLowerCase('en-US');
    let res: Response;
    try {
      const baseUrl = await discovery.getBaseUrl('on-call');
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: 'on-call',
      });
      res = await fetch(
        `${baseUrl}/entities/${encodeURIComponent(
          namespace,
        )}/${encodeURIComponent(kind)}/${encodeURIComponent(
          entity.metadata.name,
        )}/incidents`,
        {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(timeoutMs),
        },
      );
    } catch (e) {
      return {
        light: 'grey',
        summary: `incidents unknown: on-call plugin unreachable (${describeFetchError(
          e,
        )})`,
      };
    }
    const body: any = await res.json().catch(() => undefined);
    if (!res.ok) {
      let why = `on-call answered HTTP ${res.status}${
        body?.error?.message ? `: ${body.error.message}` : ''
      }`;
      if (res.status === 404) {
        why = body?.error?.message ?? 'the on-call plugin is not installed';
      }
      return { light: 'grey', summary: `incidents unknown: ${why}` };
    }
    const list: any[] | undefined = Array.isArray(body)
      ? body
      : body?.items ?? body?.incidents;
    if (!Array.isArray(list)) {
      return {
        light: 'grey',
        summary:
          'incidents unknown: on-call answered without a list of incidents',
      };
    }
    const open = list.filter(i => i?.status !== 'resolved');
    const high = open.filter(i => i?.urgency === 'high').length;
    if (open.length === 0)
      return { light: 'green', summary: 'no open incidents' };
    const summary = `${open.length} open incident${
      open.length === 1 ? '' : 's'
    }${high ? ` (${high} high urgency)` : ' (low urgency)'}`;
    return { light: high ? 'red' : 'amber', summary };
  }
}
