import { LoggedCommit } from '../../git/ConfigRepo';
import { Actor } from '../../git/types';
import { Intent, IntentType } from '../../http/types';
import type { ReleaseInfo } from '../IndexCache';

/*
 * The texts of a release: the commit message with its trailers (and reading them
 * back), the events-feed message, and intents in words.
 */

/** Events-feed type of each intent. */
export const EVENT_TYPE_BY_INTENT = {
  Rollback: 'rollback',
  Promote: 'promote',
  AutoRelease: 'auto-release',
  ReleaseArtifact: 'release',
  ReleaseBranch: 'release',
} as const;

/** The status text Lunar sends when a release changes nothing. */
export const UP_TO_DATE = 'Environment is already up-to-date';

/** The full intent recorded in the commit trailers, from the resolved release. */
export function fullIntentOf(
  type: IntentType,
  d: { fromEnvironment?: string; previousArtifactId?: string; branch?: string },
): Intent {
  switch (type) {
    case 'Promote':
      return { type, promote: { fromEnvironment: d.fromEnvironment } };
    case 'Rollback':
      return { type, rollback: { previousArtifactId: d.previousArtifactId } };
    case 'ReleaseBranch':
      return { type, releaseBranch: { branch: d.branch } };
    default:
      return { type };
  }
}

/** The events-feed message of a release. */
export function releaseEventMessage(
  type: IntentType,
  service: string,
  environment: string,
  r: {
    artifactId: string;
    previousArtifactId?: string;
    fromEnvironment?: string;
  },
  actor: Actor,
): string {
  switch (type) {
    case 'Rollback':
      return `${service} rolled back in ${environment} from ${r.previousArtifactId} to ${r.artifactId} by ${actor.name}`;
    case 'Promote':
      return `${service} ${r.artifactId} promoted from ${r.fromEnvironment} to ${environment} by ${actor.name}`;
    case 'AutoRelease':
      return `${service} ${r.artifactId} released to ${environment} by ${actor.name} (auto-release)`;
    default:
      return `${service} ${r.artifactId} released to ${environment} by ${actor.name}`;
  }
}

/** An intent in words, for error messages (as Lunar words them). */
export function describeIntent(intent: Intent, artifactId: string): string {
  switch (intent.type) {
    case 'ReleaseBranch':
      return `branch '${intent.releaseBranch?.branch}' with artifact '${artifactId}'`;
    case 'Promote':
      return `promotion from '${
        intent.promote?.fromEnvironment ?? 'previous environment'
      }' with artifact '${artifactId}'`;
    case 'Rollback':
      return `rollback to artifact '${artifactId}'`;
    case 'AutoRelease':
      return `autorelease artifact '${artifactId}'`;
    default:
      return `artifact '${artifactId}'`;
  }
}

/** The commit message of a release: a subject, a description and trailers. */
export function releaseMessage(r: {
  service: string;
  environment: string;
  namespace: string;
  artifactId: string;
  intent: Intent;
  actor: Actor;
  /** Extra trailers, written before `Released-By`. */
  trailers?: Record<string, string>;
}): string {
  const what = {
    Promote: `promote ${r.artifactId} from ${r.intent.promote?.fromEnvironment}`,
    Rollback: `rollback to ${r.artifactId}`,
    AutoRelease: `auto-release ${r.artifactId}`,
    ReleaseArtifact: `release ${r.artifactId}`,
    ReleaseBranch: `release ${r.artifactId}`,
  }[r.intent.type];
  const trailers = [
    `Service: ${r.service}`,
    `Environment: ${r.environment}`,
    `Namespace: ${r.namespace}`,
    `Artifact-ID: ${r.artifactId}`,
    `Intent: ${r.intent.type}`,
  ];
  if (r.intent.promote?.fromEnvironment)
    trailers.push(
      `Intent-From-Environment: ${r.intent.promote.fromEnvironment}`,
    );
  if (r.intent.rollback?.previousArtifactId)
    trailers.push(
      `Intent-Previous-Artifact-ID: ${r.intent.rollback.previousArtifactId}`,
    );
  if (r.intent.releaseBranch?.branch)
    trailers.push(`Intent-Branch: ${r.intent.releaseBranch.branch}`);
  for (const [key, value] of Object.entries(r.trailers ?? {}))
    trailers.push(`${key}: ${value.replace(/\s+/g, ' ').trim()}`);
  trailers.push(`Released-By: ${r.actor.name} <${r.actor.email}>`);
  return `[${r.environment}/${r.service}] ${what}\n\n${describeIntent(
    r.intent,
    r.artifactId,
  )} released by ${r.actor.name}\n\n${trailers.join('\n')}\n`;
}

/** The commit message of a policy change. */
export function policyMessage(
  service: string,
  what: string,
  id: string,
  actor: Actor,
) {
  return `[policies/${service}] ${what}\n\nService: ${service}\nPolicy: ${id}\nChanged-By: ${actor.name} <${actor.email}>\n`;
}

/** The intent of a release commit, read back from its trailers. */
export function intentFromTrailers(t: Record<string, string>): Intent {
  const type = (t.Intent as IntentType) || 'ReleaseArtifact';
  const intent: Intent = { type };
  if (t['Intent-From-Environment'])
    intent.promote = { fromEnvironment: t['Intent-From-Environment'] };
  if (t['Intent-Previous-Artifact-ID'])
    intent.rollback = { previousArtifactId: t['Intent-Previous-Artifact-ID'] };
  if (t['Intent-Branch']) intent.releaseBranch = { branch: t['Intent-Branch'] };
  return intent;
}

/** Who released what and when, from a release commit (its `Released-By` trailer, else its author). */
export function commitToReleaseInfo(c: LoggedCommit): ReleaseInfo {
  const by = /^(.*) <([^>]*)>$/.exec(c.trailers['Released-By'] ?? '');
  return {
    commit: c.sha,
    releasedAt: new Date(c.date).toISOString(),
    releasedByName: by?.[1] ?? c.authorName,
    releasedByEmail: by?.[2] ?? c.authorEmail,
    intent: (c.trailers.Intent as IntentType) || 'ReleaseArtifact',
  };
}
