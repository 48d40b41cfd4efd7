import { Config } from '@backstage/config';
import {
  DEFAULT_ENVIRONMENTS,
  DNS1123_LABEL_RULE,
  isDnsLabel,
} from '@slipway/plugin-release-manager-common';

/**
 * How the backend reaches the release manager, from the `releaseManager` config key
 * (see config.d.ts).
 *
 * @public
 */
export interface ReleaseManagerConnection {
  /** Base URL of the release manager's HTTP API, no trailing slash, e.g. `http://localhost:7100`. */
  baseUrl: string;
  /** Bearer token the release manager expects, if it needs one. */
  token?: string;
  /** Environments in promotion order, e.g. `['dev', 'staging', 'prod']`. */
  environments: readonly string[];
  /** Timeout of each call, in milliseconds. */
  timeoutMs: number;
}

/**
 * Reads `releaseManager.baseUrl` (required), `.token`, `.environments` (default
 * `DEFAULT_ENVIRONMENTS` of the common rules) and `.timeoutMs` (default 10000).
 *
 * @throws Error naming the key when `baseUrl` is missing, a value has the wrong type,
 *   `environments` is empty or an environment is not a DNS-1123 label
 * @public
 */
export function readReleaseManagerConnection(
  config: Config,
): ReleaseManagerConnection {
  const c = config.getConfig('releaseManager');
  const environments = c.getOptionalStringArray('environments') ?? [
    ...DEFAULT_ENVIRONMENTS,
  ];
  if (environments.length === 0) {
    throw new Error('releaseManager.environments must not be empty');
  }
  const bad = environments.find(e => !isDnsLabel(e));
  if (bad !== undefined) {
    throw new Error(
      `releaseManager.environments: ${JSON.stringify(
        bad,
      )} is not ${DNS1123_LABEL_RULE}`,
    );
  }
  return {
    baseUrl: c.getString('baseUrl').replace(/\/+$/, ''),
    token: c.getOptionalString('token'),
    environments: Object.freeze(environments),
    timeoutMs: c.getOptionalNumber('timeoutMs') ?? 10_000,
  };
}
