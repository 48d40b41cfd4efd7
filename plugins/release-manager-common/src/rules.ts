import type { ArtifactSpec, VulnerabilityResult } from './types';

/*
 * The release manager's rules, defined once: the server (packages/release-manager), the
 * backend plugin, the frontend and the scaffolder module import them at run time. Pure
 * functions and constants, no I/O and no dependencies, so they run in Node and in the
 * browser alike.
 */

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

/**
 * A DNS-1123 label (RFC 1123, as Kubernetes uses it for names): lower-case letters,
 * digits and `-`, 1–63 characters, a letter or digit at both ends. Service, environment
 * and namespace names are labels, so each is safe as one path segment of the config repo.
 * @public
 */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** {@link DNS1123_LABEL} in words, for error messages. @public */
export const DNS1123_LABEL_RULE =
  "a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit)";

/** True when `value` is a string matching {@link DNS1123_LABEL}. @public */
export function isDnsLabel(value: unknown): value is string {
  return typeof value === 'string' && DNS1123_LABEL.test(value);
}

/**
 * A manifest file name inside an artifact: one path segment (letters, digits, `.`, `_`,
 * `-`; at most 126 characters in all) ending in `.yaml`, `.yml` or `.json`.
 * @public
 */
export const MANIFEST_FILE_NAME =
  /^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.(ya?ml|json)$/;

/** True when `value` is a string matching {@link MANIFEST_FILE_NAME}. @public */
export function isManifestFileName(value: unknown): value is string {
  return typeof value === 'string' && MANIFEST_FILE_NAME.test(value);
}

/**
 * A git branch name as the release manager accepts it in an auto-release policy:
 * 1–250 letters, digits, `.`, `_`, `/` and `-`, without `..`.
 * @public
 */
export const BRANCH_NAME = /^(?!.*\.\.)[A-Za-z0-9._/-]{1,250}$/;

/** True when `value` is a string matching {@link BRANCH_NAME}. @public */
export function isBranchName(value: unknown): value is string {
  return typeof value === 'string' && BRANCH_NAME.test(value);
}

/* ------------------------------------------------------------------ */
/* Artifact ids                                                        */
/* ------------------------------------------------------------------ */

/** The longest artifact id, in characters. @public */
export const ARTIFACT_ID_MAX_LENGTH = 200;

/**
 * The one artifact id rule: 1–200 characters of letters, digits, `.`, `_` and `-`,
 * starting with a letter or digit, and no `..` anywhere. In particular `/` is forbidden:
 * an id is one path segment of the artifact store and of URLs. Lunar's ids
 * (`<branch>-<appSha10>-<planSha10>`, see {@link artifactIdFor}) all match.
 * Usable as a JSON Schema / OpenAPI `pattern` (ECMA-262).
 * @public
 */
export const ARTIFACT_ID = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** {@link ARTIFACT_ID} in words, for error messages. @public */
export const ARTIFACT_ID_RULE =
  "an artifact id (letters, digits, '.', '_' and '-', starting with a letter or digit, no '..', at most 200 characters)";

/** True when `value` is a string matching {@link ARTIFACT_ID}. @public */
export function isArtifactId(value: unknown): value is string {
  return typeof value === 'string' && ARTIFACT_ID.test(value);
}

/** Room left for the branch in an id: 200 minus two separators and two 10-character shas. */
const BRANCH_PART_MAX_LENGTH = ARTIFACT_ID_MAX_LENGTH - 22;

/**
 * Cleans a git branch name for use in an artifact id: every run of characters other
 * than letters, digits, `.` and `_` becomes one `-` (so `feature/login` gives
 * `feature-login` and `a--b` gives `a-b`), runs of dots become one dot, leading and
 * trailing `-`, `.` and `_` are dropped, and the result is cut to 178 characters (so
 * the whole id stays within {@link ARTIFACT_ID_MAX_LENGTH}).
 *
 * @returns the cleaned name; an empty string when nothing usable is left (e.g. `/`)
 * @public
 */
export function sanitizeBranchForArtifactId(branch: string): string {
  const trim = (s: string) => s.replace(/^[-._]+|[-._]+$/g, '');
  const cleaned = trim(
    branch.replace(/[^A-Za-z0-9._]+/g, '-').replace(/\.{2,}/g, '.'),
  );
  return trim(cleaned.slice(0, BRANCH_PART_MAX_LENGTH));
}

/**
 * The artifact id Lunar's tooling builds: `<branch>-<appSha10>-<planSha10>`, with the
 * branch cleaned by {@link sanitizeBranchForArtifactId} and each sha cut to its first 10
 * characters. Example: `artifactIdFor('feature/login', '1a2b3c4d5e6f…', '9f8e7d6c5b4a…')`
 * is `feature-login-1a2b3c4d5e-9f8e7d6c5b`.
 *
 * @param appSha - the application commit (hex; at least 1 character)
 * @param planSha - the commit of the manifests / build plan (hex; at least 1 character)
 * @throws Error when the branch has no usable character or a sha is not hexadecimal
 * @public
 */
export function artifactIdFor(
  branch: string,
  appSha: string,
  planSha: string,
): string {
  const b = sanitizeBranchForArtifactId(branch);
  if (!b) {
    throw new Error(
      `branch ${JSON.stringify(
        branch,
      )} has no letter or digit to build an artifact id from`,
    );
  }
  for (const [name, sha] of [
    ['appSha', appSha],
    ['planSha', planSha],
  ]) {
    if (!/^[0-9a-fA-F]+$/.test(sha)) {
      throw new Error(
        `${name} must be a hexadecimal commit sha, got ${JSON.stringify(sha)}`,
      );
    }
  }
  return `${b}-${appSha.slice(0, 10)}-${planSha.slice(0, 10)}`;
}

/* ------------------------------------------------------------------ */
/* Branch restrictions                                                 */
/* ------------------------------------------------------------------ */

const compiled = new Map<string, RegExp | null>();

/**
 * Compiles a branch-restriction regex (ECMAScript syntax) for whole-name matching, as
 * `^(?:<regex>)$`. The regex must compile on its own too, so that wrapping cannot turn
 * an invalid one such as `a)|(b` into a valid one.
 *
 * @returns the anchored RegExp; `undefined` when `branchRegex` is not a valid regex
 * @public
 */
export function compileBranchRegex(branchRegex: string): RegExp | undefined {
  let re = compiled.get(branchRegex);
  if (re === undefined) {
    try {
      // eslint-disable-next-line no-new
      new RegExp(branchRegex);
      re = new RegExp(`^(?:${branchRegex})$`);
    } catch {
      re = null;
    }
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(branchRegex, re);
  }
  return re ?? undefined;
}

/** True when `branchRegex` is a valid (ECMAScript) regular expression. @public */
export function isValidBranchRegex(branchRegex: string): boolean {
  return compileBranchRegex(branchRegex) !== undefined;
}

/**
 * Whether `branch` is allowed by the restriction regex `branchRegex`. The regex must
 * match the WHOLE branch name: `main` allows `main` but not `main-hotfix`, and `a|ab`
 * allows `ab` (the anchors wrap the whole alternation). An invalid regex allows nothing
 * (fail closed).
 *
 * Note on Lunar: Lunar's release-manager (internal/policy/branch_restriction.go,
 * `canRelease`) uses Go's unanchored `regexp.MatchString`, so there `master` also allows
 * `master-update` unless the policy is written `^master$`. Slipway deliberately matches
 * the whole name; anchored policies (`^master$`, `^(main|master)$`) behave the same in
 * both. Regexes use ECMAScript syntax, not Go's RE2 (the common subset is the same).
 * @public
 */
export function branchMatches(branchRegex: string, branch: string): boolean {
  const re = compileBranchRegex(branchRegex);
  return re ? re.test(branch) : false;
}

/**
 * A branch restriction: releases into `environment` only from branches whose whole
 * name matches `branchRegex` (Lunar's `BranchRestriction` shape).
 * @public
 */
export interface BranchRestrictionRule {
  environment: string;
  branchRegex: string;
}

/**
 * The first restriction of `environment` that refuses `branch` (see
 * {@link branchMatches}), or `undefined` when every restriction of that environment
 * allows it (or there are none). A missing branch is matched as the empty string.
 * @public
 */
export function findRefusingBranchRestriction<T extends BranchRestrictionRule>(
  restrictions: readonly T[] | undefined,
  environment: string,
  branch: string | undefined,
): T | undefined {
  return (restrictions ?? []).find(
    r =>
      r.environment === environment &&
      !branchMatches(r.branchRegex, branch ?? ''),
  );
}

/* ------------------------------------------------------------------ */
/* Vulnerabilities                                                     */
/* ------------------------------------------------------------------ */

/**
 * The artifact stages whose `data.vulnerabilities` count, as in Lunar's
 * release-manager (internal/flow/status.go, `calculateTotalVulnerabilties`, which reads
 * `artifact.StageIDSnykCode` and `artifact.StageIDSnykDocker`).
 * @public
 */
export const VULNERABILITY_STAGE_IDS: readonly string[] = Object.freeze([
  'snyk-code',
  'snyk-docker',
]);

/**
 * The vulnerability counts of an artifact: `high`, `medium` and `low` summed over its
 * `snyk-code` and `snyk-docker` stages ({@link VULNERABILITY_STAGE_IDS}); other stages,
 * also other `snyk-*` ones, do not count. A missing, negative or non-numeric count
 * counts as 0; fractions are rounded.
 *
 * @returns the sums; `undefined` when the artifact has neither stage (not scanned).
 *   Callers that need numbers (the `/status` API's `highVulnerabilities`, ...) use 0.
 * @public
 */
export function countVulnerabilities(
  artifact: Pick<ArtifactSpec, 'stages'>,
): VulnerabilityResult | undefined {
  const stages = (artifact.stages ?? []).filter(s =>
    VULNERABILITY_STAGE_IDS.includes(String(s.id)),
  );
  if (!stages.length) return undefined;
  const n = (v: unknown) =>
    typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0;
  const total: VulnerabilityResult = { high: 0, medium: 0, low: 0 };
  for (const stage of stages) {
    const v = (stage.data as { vulnerabilities?: Partial<VulnerabilityResult> })
      ?.vulnerabilities;
    total.high += n(v?.high);
    total.medium += n(v?.medium);
    total.low += n(v?.low);
  }
  return total;
}

/* ------------------------------------------------------------------ */
/* Environments                                                        */
/* ------------------------------------------------------------------ */

/** The environments, in promotion order, when none are configured. @public */
export const DEFAULT_ENVIRONMENTS: readonly string[] = Object.freeze([
  'dev',
  'staging',
  'prod',
]);

/**
 * The environment before `environment` in the promotion order `environments` (where a
 * promotion takes its artifact from): `previousEnvironment(['dev', 'staging', 'prod'],
 * 'staging')` is `'dev'`.
 *
 * @returns `undefined` for the first environment and for one not in the list
 * @public
 */
export function previousEnvironment(
  environments: readonly string[],
  environment: string,
): string | undefined {
  const index = environments.indexOf(environment);
  return index > 0 ? environments[index - 1] : undefined;
}

/* ------------------------------------------------------------------ */
/* Annotations                                                         */
/* ------------------------------------------------------------------ */

export {
  RELEASE_MANAGER_SERVICE_ANNOTATION,
  RELEASE_MANAGER_NAMESPACE_ANNOTATION,
} from './annotations';
