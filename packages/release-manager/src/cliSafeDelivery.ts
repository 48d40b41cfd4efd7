/* eslint-disable no-console */
import { parseArgs } from 'node:util';
import {
  GatesResponse,
  IntentType,
  ListFreezeWindowsResponse,
  ReleaseManagerClient,
} from '@slipway/plugin-release-manager-common';

/** Usage lines of the safe-delivery commands (part of the CLI's usage text). */
export const SAFE_DELIVERY_USAGE = `  freeze list --service <s> [--environment <e>]
      Lists the global and the service's freeze windows, with when they apply.
  freeze add --service <s> --environment <e> --reason <text>
          (--from <ISO 8601> --to <ISO 8601> | --rrule <RFC 5545 rule> --time-zone <IANA zone> --duration <minutes>)
          --name <committer> --email <committer email>
      Adds a freeze window to the service (a commit in the config repo), e.g.
      --rrule 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=16' --time-zone Europe/Copenhagen --duration 3840.
  freeze remove --service <s> --id <freeze-…> --name <committer> --email <committer email>
      Removes a service's freeze window.
  gates --service <s> --env <e> [--intent Promote|ReleaseArtifact|ReleaseBranch|AutoRelease|Rollback]
          [--artifact <id>] [--branch <b>]
      Evaluates every promotion gate and the freeze for a prospective release
      (default: a promotion into <e>), without releasing. Exit code 0 when the
      release would go through, 2 when a gate fails or the environment is frozen.
`;

const common = {
  url: { type: 'string' },
  token: { type: 'string' },
  service: { type: 'string' },
  environment: { type: 'string' },
  env: { type: 'string' },
  name: { type: 'string' },
  email: { type: 'string' },
} as const;

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

/** Prints a freeze list as lines: state, environment, id, when, reason. */
export function formatFreezes(r: ListFreezeWindowsResponse): string {
  const lines = r.freezeWindows.map(w => {
    const when = w.from
      ? `${w.from} → ${w.to}`
      : `${w.rrule} in ${w.timeZone} for ${w.durationMinutes} min`;
    let state = 'over';
    if (w.active) state = `FROZEN until ${w.end}`;
    else if (w.start) state = `next ${w.start} → ${w.end}`;
    return `${w.environment}\t${w.id}${
      w.global ? ' (global)' : ''
    }\t${state}\t${when}\t${w.reason}`;
  });
  if (r.incidentFreeze?.enabled) {
    lines.push(
      `${r.incidentFreeze.environment}\tincident freeze\tfrozen while a high-urgency incident is open`,
    );
  }
  return lines.length ? lines.join('\n') : `no freeze windows for ${r.service}`;
}

/** Prints a gate evaluation as lines: one per gate, then the freeze and the verdict. */
export function formatGates(r: GatesResponse): string {
  const mark = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' } as const;
  const lines = [
    `${r.intent} of ${r.service}${
      r.artifactId ? ` ${r.artifactId}` : ''
    } into ${r.environment}${
      r.fromEnvironment ? ` (from ${r.fromEnvironment})` : ''
    }`,
    ...r.gates.map(g => `  ${mark[g.outcome]}  ${g.name}: ${g.message}`),
    r.freeze ? `  FROZEN  ${r.freeze.message}` : '  OPEN  not frozen',
  ];
  if (r.message) lines.push(`  note: ${r.message}`);
  lines.push(
    r.allowed
      ? 'allowed'
      : 'refused (an owner may override gates or break glass with a reason)',
  );
  return lines.join('\n');
}

/**
 * `slipway-release-manager freeze list|add|remove …`.
 * @returns the exit code
 * @throws Error for missing options; the client's errors for refused requests
 */
export async function freezeCommand(
  args: string[],
  client: (values: Record<string, any>) => ReleaseManagerClient,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...common,
      reason: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      rrule: { type: 'string' },
      'time-zone': { type: 'string' },
      duration: { type: 'string' },
      id: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const environment = values.environment ?? values.env;
  const c = client(values);
  switch (positionals[0]) {
    case 'list': {
      required(values, 'service');
      const r = await c.listFreezes(values.service!, environment);
      console.log(values.json ? JSON.stringify(r, null, 2) : formatFreezes(r));
      return 0;
    }
    case 'add': {
      required(
        { ...values, environment },
        'service',
        'environment',
        'reason',
        'name',
        'email',
      );
      const r = await c.addFreeze({
        service: values.service!,
        environment: environment!,
        reason: values.reason!,
        from: values.from,
        to: values.to,
        rrule: values.rrule,
        timeZone: values['time-zone'],
        durationMinutes:
          values.duration === undefined ? undefined : Number(values.duration),
        committerName: values.name!,
        committerEmail: values.email!,
      });
      console.log(JSON.stringify(r, null, 2));
      return 0;
    }
    case 'remove': {
      required(values, 'service', 'id', 'name', 'email');
      const r = await c.removeFreeze({
        service: values.service!,
        id: values.id!,
        committerName: values.name!,
        committerEmail: values.email!,
      });
      console.log(JSON.stringify(r, null, 2));
      return 0;
    }
    default:
      throw new Error('usage: freeze list|add|remove (see --help)');
  }
}

/**
 * `slipway-release-manager gates --service <s> --env <e> …`.
 * @returns 0 when the release would go through, 2 when it would be refused
 */
export async function gatesCommand(
  args: string[],
  client: (values: Record<string, any>) => ReleaseManagerClient,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...common,
      intent: { type: 'string' },
      artifact: { type: 'string' },
      branch: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const environment = values.environment ?? values.env;
  required({ ...values, environment }, 'service', 'environment');
  const r = await client(values).evaluateGates({
    service: values.service!,
    environment: environment!,
    intent: values.intent as IntentType | undefined,
    artifactId: values.artifact,
    branch: values.branch,
  });
  console.log(values.json ? JSON.stringify(r, null, 2) : formatGates(r));
  return r.allowed ? 0 : 2;
}
