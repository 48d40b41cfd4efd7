import { createHash } from 'node:crypto';
import { artifactIdFor } from '@slipway/plugin-release-manager-common';
import type { ArtifactSpec } from '@slipway/plugin-release-manager-common';
import { ExampleService } from './catalog';
import { BadKind, Behaviour, profileOf } from './profiles';

/** Where the fleet's images live: built locally, never pulled. */
export const IMAGE_REPOSITORY = 'localhost/slipway';

/**
 * One CI build of an example service: an artifact of the release manager and the image
 * `localhost/slipway/<service>:<appSha10>` it runs.
 */
export interface Build {
  /** Artifact id, `<branch>-<appSha10>-<planSha10>`. */
  id: string;
  service: string;
  branch: string;
  /** Build number on its branch, from 1. */
  n: number;
  /** Application commit (40 hex, derived from service, branch and n). */
  appSha: string;
  /** Build plan commit (40 hex). */
  planSha: string;
  /** How long ago CI finished, in days. */
  daysAgo: number;
  message: string;
  /** Image reference the manifests use. */
  image: string;
  behaviour: Behaviour;
  /** Set on artifacts that are bad on purpose. */
  bad?: BadKind;
}

function sha(input: string): string {
  return createHash('sha1').update(input).digest('hex');
}

const MESSAGES = [
  'Add request tracing to outbound calls',
  'Bump base image to distroless static',
  'Retry idempotent writes on connection reset',
  'Expose p99 latency histogram buckets',
  'Fix timezone handling in settlement report',
  'Reduce connection pool size per replica',
];

function build(
  s: ExampleService,
  branch: string,
  n: number,
  daysAgo: number,
  message: string,
  behaviour: Behaviour,
  bad?: BadKind,
): Build {
  const appSha = sha(`${s.name}-${branch}-${n}`);
  const planSha = sha(`plan-${s.language}-${s.team}-${n}`);
  return {
    id: artifactIdFor(branch, appSha, planSha),
    service: s.name,
    branch,
    n,
    appSha,
    planSha,
    daysAgo,
    message,
    image: `${IMAGE_REPOSITORY}/${s.name}:${appSha.slice(0, 10)}`,
    behaviour,
    ...(bad ? { bad } : {}),
  };
}

/**
 * The builds of one service, in upload order: `main` #1–#4 (6, 4, 2 and 0.3 days ago),
 * one build of its feature branch, `main` #5 when `main` auto-releases to dev, and last
 * the bad-on-purpose build, if the service has one.
 */
export interface ServiceBuilds {
  main: Build[];
  feature: Build;
  /** `main` #5, uploaded after the auto-release policy (auto-released to dev). */
  autoReleased?: Build;
  bad?: Build;
  /** Every build in upload order. */
  all: Build[];
}

/** The builds of `s` (deterministic: the same ids on every run). */
export function buildsOf(s: ExampleService): ServiceBuilds {
  const p = profileOf(s.name);
  const main = [1, 2, 3, 4].map(n =>
    build(
      s,
      'main',
      n,
      n === 4 ? 0.3 : 8 - n * 2,
      MESSAGES[(n + s.name.length) % MESSAGES.length],
      p.behaviour,
    ),
  );
  const feature = build(
    s,
    p.featureBranch,
    1,
    0.5,
    `WIP: ${p.featureBranch.replace(/^feature\//, '').replace(/-/g, ' ')}`,
    p.behaviour,
  );
  const autoReleased = p.autoReleaseMainToDev
    ? build(
        s,
        'main',
        5,
        0.1,
        MESSAGES[(5 + s.name.length) % MESSAGES.length],
        p.behaviour,
      )
    : undefined;
  let bad: Build | undefined;
  if (p.bad) {
    let n = 1;
    if (p.bad.branch === 'main') n = autoReleased ? 6 : 5;
    bad = build(
      s,
      p.bad.branch,
      n,
      0.05,
      p.bad.message,
      { ...p.behaviour, ...p.bad.behaviour },
      p.bad.kind,
    );
  }
  const all = [...main, feature];
  if (autoReleased) all.push(autoReleased);
  if (bad) all.push(bad);
  return { main, feature, autoReleased, bad, all };
}

/**
 * The artifact spec CI uploads for `b` (Lunar `artifact.Spec`): the application
 * commit, CI times relative to `now`, and the build and push stages naming the image
 * that `images` really built and tagged (`localhost/slipway/<service>:<sha10>`).
 *
 * Only what exists is recorded: the example services have no repository, CI job, test
 * run or security scan anywhere, so the spec carries no links (`application.url`,
 * `ci.jobUrl`) and no test or Snyk stages; the Releases tab then shows the commit
 * without a link and "—" for them, instead of links to pages that do not exist. The
 * authors, messages and times are back-filled history.
 */
export function artifactSpec(
  s: ExampleService,
  b: Build,
  now: Date = new Date(),
): ArtifactSpec {
  const author = s.people[b.n % s.people.length];
  const committer = s.people[(b.n + 1) % s.people.length];
  const end = new Date(now.getTime() - Math.round(b.daysAgo * 86_400_000));
  const start = new Date(end.getTime() - (4 + (b.n % 5)) * 60_000);
  const tag = b.appSha.slice(0, 10);
  const image = {
    image: `${IMAGE_REPOSITORY}/${s.name}`,
    tag,
    dockerVersion: 'podman',
  };
  return {
    id: b.id,
    service: s.name,
    namespace: s.namespace,
    squad: s.team,
    application: {
      branch: b.branch,
      sha: b.appSha,
      authorName: author.name,
      authorEmail: author.email,
      committerName: committer.name,
      committerEmail: committer.email,
      message: b.message,
      name: s.name,
    },
    ci: {
      start: start.toISOString(),
      end: end.toISOString(),
    },
    shuttle: {
      plan: {
        sha: b.planSha,
        name: `${s.language}-service-plan`,
        message: 'Pin build image',
      },
      shuttleVersion: '0.24.1',
    },
    stages: [
      { id: 'build', name: 'Build', data: image },
      { id: 'push', name: 'Push', data: image },
    ],
  };
}
