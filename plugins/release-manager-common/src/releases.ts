import {
  ArtifactSpec,
  ArtifactTestStageData,
  DescribeReleaseResponseRelease,
  EnvironmentStatus,
  ListPoliciesResponse,
  ReleaseResponse,
} from './types';

/*
 * The API of the release-manager backend plugin (`/api/release-manager`), as the
 * frontend sees it, and helpers both sides use. Entities are addressed as
 * `/entities/{namespace}/{kind}/{name}/...`.
 */

/** An artifact with the link to its application commit (from the configured template). */
export type ArtifactWithLinks = ArtifactSpec & {
  /** Web link to the application commit, when the artifact names a repository URL and sha. */
  commitUrl?: string;
};

/** One environment of {@link EntityReleaseStatus}, with the commit link filled in. */
export type EnvironmentReleaseStatus = EnvironmentStatus & {
  /** Web link to the application commit of the running artifact. */
  commitUrl?: string;
};

/** `GET /entities/{ns}/{kind}/{name}/status`: what runs where, in configured order. */
export type EntityReleaseStatus = {
  /** The release-manager service the entity maps to. */
  service: string;
  /** The namespace from the entity's annotation, if any. */
  namespace?: string;
  /** The configured environments, in order (e.g. dev, staging, prod). */
  environments: EnvironmentReleaseStatus[];
};

/** `GET /entities/{ns}/{kind}/{name}/artifacts?count=&branch=`: newest first. */
export type EntityArtifacts = {
  service: string;
  artifacts: ArtifactWithLinks[];
};

/** One release of {@link EntityReleaseHistory}. */
export type ReleaseWithLinks = DescribeReleaseResponseRelease & {
  artifact: ArtifactWithLinks;
};

/** `GET /entities/{ns}/{kind}/{name}/releases/{environment}?count=`: newest first. */
export type EntityReleaseHistory = {
  service: string;
  environment: string;
  releases: ReleaseWithLinks[];
};

/** `GET /entities/{ns}/{kind}/{name}/policies`. */
export type EntityPolicies = ListPoliciesResponse;

/** Answer of the release, promote and rollback routes. */
export type EntityReleaseResult = ReleaseResponse & {
  /** For a promotion: the environment the artifact came from. */
  fromEnvironment?: string;
  /** For a rollback: the artifact that ran before. */
  previousArtifactId?: string;
};

/**
 * Fills a commit link template: `{repo}` is the repository web URL without a trailing
 * slash and `.git`, `{sha}` the full sha, `{shortSha}` its first 7 characters and
 * `{name}` the repository name. Returns `undefined` when the template needs a value
 * that is missing. The default template is `{repo}/commit/{sha}` (GitHub, GitLab and
 * Bitbucket all accept it).
 */
export function commitUrl(
  application: { url?: string; sha?: string; name?: string } | undefined,
  template = '{repo}/commit/{sha}',
): string | undefined {
  const repo = application?.url?.replace(/\/+$/, '').replace(/\.git$/, '');
  const values: Record<string, string | undefined> = {
    repo,
    sha: application?.sha,
    shortSha: application?.sha?.slice(0, 7),
    name: application?.name,
  };
  let missing = false;
  const url = template.replace(/\{(repo|sha|shortSha|name)\}/g, (_, key) => {
    const value = values[key];
    if (!value) missing = true;
    return value ?? '';
  });
  return missing ? undefined : url;
}

/** Test results from an artifact's `test` stage, if it has one. */
export function testResults(
  artifact: ArtifactSpec,
): { passed: number; failed: number; skipped: number } | undefined {
  const stage = artifact.stages?.find(s => s.id === 'test');
  return (stage?.data as ArtifactTestStageData | undefined)?.results;
}

/** Most entity refs one `POST /status/batch` of the backend plugin accepts. */
export const MAX_STATUS_BATCH_SIZE = 500;

/** `POST /status/batch` body of the backend plugin: 1 to {@link MAX_STATUS_BATCH_SIZE} entity refs. */
export type EntityReleaseStatusBatchRequest = {
  /** Entity refs such as `component:default/ledger`. */
  entityRefs: string[];
};

/**
 * One item of {@link EntityReleaseStatusBatchResponse}: the status, or why there is
 * none. `error.name` is a Backstage error name: `NotFoundError` (no such entity, or no
 * release-manager annotation, or the release manager does not know the service),
 * `NotAllowedError` (the caller may not read the entity's releases), `InputError`,
 * `ServiceUnavailableError` (the release manager could not be asked).
 */
export type EntityReleaseStatusBatchItem = {
  /** The entity ref as asked for, normalised (`component:default/ledger`). */
  entityRef: string;
  status?: EntityReleaseStatus;
  error?: { name: string; message: string };
};

/** `POST /status/batch` answer: one item per entity ref asked for, in the same order. */
export type EntityReleaseStatusBatchResponse = {
  items: EntityReleaseStatusBatchItem[];
};
