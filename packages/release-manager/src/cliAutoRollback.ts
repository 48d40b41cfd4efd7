/* eslint-disable no-console */
import { parseArgs } from 'node:util';
import {
  ListAutoRollbacksResponse,
  ListPoliciesResponse,
  ReleaseManagerClient,
} from '@slipway/plugin-release-manager-common';

/** Usage lines of the automatic rollback commands (part of the CLI's usage text). */
export const AUTO_ROLLBACK_USAGE = `  policy list --service <s>
      Lists the service's policies: auto-release, branch restrictions, automatic rollback.
  policy apply auto-rollback --service <s> --environment <e>
          [--on-rollout-failure] [--not-ready-within <minutes>] [--health-red-within <minutes>]
          --name <committer> --email <committer email>
      Rolls releases in <e> back automatically when their rollout fails, when they
      are not ready within the minutes, or when health turns red within the minutes
      after the release (at least one). Replaces the environment's policy.
  policy delete auto-rollback --service <s> --environment <e> --name <committer> --email <committer email>
      Removes the environment's automatic rollback policy.
  auto-release resume --service <s> --environment <e> --name <committer> --email <committer email>
      Resumes auto-release into <e> after an automatic rollback paused it.
  auto-rollbacks --service <s> [--environment <e>]
      Lists the service's automatic rollbacks, newest first.
`;

const common = {
  url: { type: 'string' },
  token: { type: 'string' },
  service: { type: 'string' },
  environment: { type: 'string' },
  env: { type: 'string' },
  name: { type: 'string' },
  email: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Client = (values: Record<string, any>) => ReleaseManagerClient;

function required(values: Record<string, unknown>, ...names: string[]) {
  const missing = names.filter(n => !values[n]);
  if (missing.length) {
    throw new Error(
      `missing option${missing.length > 1 ? 's' : ''}: ${missing
        .map(n => `--${n}`)
        .join(', ')}`,
    );
  }
}

/** Minutes from an option: a number (the server checks the range), or undefined when absent. */
function minutes(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

/** Prints a service's policies as lines: kind, environment, id, what. */
export function formatPolicies(r: ListPoliciesResponse): string {
  const lines = [
    ...r.autoReleases.map(
      p => `auto-release\t${p.environment}\t${p.id}\tbranch ${p.branch}`,
    ),
    ...r.branchRestrictions.map(
      p =>
        `branch-restriction\t${p.environment}\t${p.id}\t${p.branchRegex}${
          p.global ? ' (global)' : ''
        }`,
    ),
    ...(r.autoRollbacks ?? []).map(p => {
      const on = [
        p.onRolloutFailure ? 'rollout failure' : '',
        p.notReadyWithinMinutes
          ? `not ready within ${p.notReadyWithinMinutes} min`
          : '',
        p.healthRedWithinMinutes
          ? `health red within ${p.healthRedWithinMinutes} min`
          : '',
      ].filter(Boolean);
      return `auto-rollback\t${p.environment}\t${p.id}\ton ${on.join(', ')}`;
    }),
  ];
  return lines.length ? lines.join('\n') : `no policies for ${r.service}`;
}

/** Prints automatic rollbacks as lines: time, environment, state, from → to, reason. */
export function formatAutoRollbacks(r: ListAutoRollbacksResponse): string {
  const lines = r.autoRollbacks.map(
    a =>
      `${a.createdAt}\t${a.environment}\t${a.state}\t${a.failedArtifactId} → ${
        a.rolledBackTo ?? '-'
      }\t${a.reason}${a.message ? ` (${a.message})` : ''}`,
  );
  return lines.length
    ? lines.join('\n')
    : `no automatic rollbacks of ${r.service}`;
}

/**
 * `policy list|apply auto-rollback|delete auto-rollback`. @returns the exit code
 * @throws Error for missing options; the client's errors for refused requests
 */
export async function policyCommand(
  args: string[],
  client: Client,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...common,
      'on-rollout-failure': { type: 'boolean' },
      'not-ready-within': { type: 'string' },
      'health-red-within': { type: 'string' },
    },
  });
  const environment = values.environment ?? values.env;
  const [verb, kind] = positionals;
  const c = client(values);
  if (verb === 'list') {
    required(values, 'service');
    const r = await c.listPolicies(values.service!);
    console.log(values.json ? JSON.stringify(r, null, 2) : formatPolicies(r));
    return 0;
  }
  if (kind !== 'auto-rollback' || (verb !== 'apply' && verb !== 'delete')) {
    throw new Error(
      'usage: policy list | policy apply auto-rollback ... | policy delete auto-rollback ...',
    );
  }
  required(
    { ...values, environment },
    'service',
    'environment',
    'name',
    'email',
  );
  const who = {
    service: values.service!,
    environment: environment!,
    committerName: values.name!,
    committerEmail: values.email!,
  };
  const r =
    verb === 'apply'
      ? await c.applyAutoRollbackPolicy({
          ...who,
          onRolloutFailure: values['on-rollout-failure'] ?? false,
          notReadyWithinMinutes: minutes(values['not-ready-within']),
          healthRedWithinMinutes: minutes(values['health-red-within']),
        })
      : await c.deleteAutoRollbackPolicy(who);
  console.log(JSON.stringify(r, null, 2));
  return 0;
}

/** `auto-release resume`. @returns the exit code */
export async function autoReleaseCommand(
  args: string[],
  client: Client,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: common,
  });
  if (positionals[0] !== 'resume') {
    throw new Error(
      'usage: auto-release resume --service <s> --environment <e> ...',
    );
  }
  const environment = values.environment ?? values.env;
  required(
    { ...values, environment },
    'service',
    'environment',
    'name',
    'email',
  );
  const r = await client(values).resumeAutoRelease({
    service: values.service!,
    environment: environment!,
    committerName: values.name!,
    committerEmail: values.email!,
  });
  const said = r.resumed ? 'resumed' : 'was not paused';
  console.log(
    values.json
      ? JSON.stringify(r, null, 2)
      : `auto-release of ${r.service} to ${r.environment} ${said}`,
  );
  return 0;
}

/** `auto-rollbacks --service <s> [--environment <e>]`. @returns the exit code */
export async function autoRollbacksCommand(
  args: string[],
  client: Client,
): Promise<number> {
  const { values } = parseArgs({ args, options: common });
  required(values, 'service');
  const r = await client(values).listAutoRollbacks(
    values.service!,
    values.environment ?? values.env,
  );
  console.log(
    values.json ? JSON.stringify(r, null, 2) : formatAutoRollbacks(r),
  );
  return 0;
}
