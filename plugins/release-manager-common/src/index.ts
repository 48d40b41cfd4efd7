/**
 * Shared code of the Slipway release-manager plugins: the release manager API's types
 * (Lunar-compatible field names plus Slipway extensions), a typed HTTP client of that
 * API, the plugin's permissions and the catalog annotations that map an entity to a
 * release-manager service, and the release rules (`./rules`: artifact ids, names, branch
 * matching, vulnerability counts, environment order).
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './permissions';
export * from './types';
export * from './client';
export * from './releases';
// Named (not `*`): the names here win over same-named older helpers in './releases'.
export {
  DNS1123_LABEL,
  DNS1123_LABEL_RULE,
  isDnsLabel,
  MANIFEST_FILE_NAME,
  isManifestFileName,
  BRANCH_NAME,
  isBranchName,
  ARTIFACT_ID,
  ARTIFACT_ID_MAX_LENGTH,
  ARTIFACT_ID_RULE,
  isArtifactId,
  sanitizeBranchForArtifactId,
  artifactIdFor,
  compileBranchRegex,
  isValidBranchRegex,
  branchMatches,
  findRefusingBranchRestriction,
  VULNERABILITY_STAGE_IDS,
  countVulnerabilities,
  DEFAULT_ENVIRONMENTS,
  previousEnvironment,
} from './rules';
export type { BranchRestrictionRule } from './rules';
