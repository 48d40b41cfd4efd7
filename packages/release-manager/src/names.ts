import { InputError } from '@backstage/errors';

/** A DNS-1123 label: lower-case alphanumerics and `-`, 1–63 characters, alphanumeric at both ends. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** An artifact id: letters, digits, `.`, `_`, `-`; no `/`, no `..`; at most 200 characters. */
export const ARTIFACT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** True when `value` is a DNS-1123 label (so it is safe as one path segment). */
export function isDnsLabel(value: unknown): value is string {
  return typeof value === 'string' && DNS1123_LABEL.test(value);
}

/** True when `value` is a valid artifact id (safe as one path segment). */
export function isArtifactId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    ARTIFACT_ID.test(value) &&
    !value.includes('..')
  );
}

/**
 * Throws an `InputError` (HTTP 400) naming `field` unless `value` is a DNS-1123 label.
 * @returns the value
 */
export function assertDnsLabel(field: string, value: unknown): string {
  if (!isDnsLabel(value)) {
    throw new InputError(
      `${field} must be a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters), got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return value;
}

/** Throws an `InputError` (HTTP 400) naming `field` unless `value` is a valid artifact id. */
export function assertArtifactId(field: string, value: unknown): string {
  if (!isArtifactId(value)) {
    throw new InputError(
      `${field} must be an artifact id (letters, digits, '.', '_' and '-'), got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return value;
}

/** A manifest file name: one path segment ending in `.yaml`, `.yml` or `.json`. */
export const MANIFEST_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.(ya?ml|json)$/;

/**
 * The artifact id Lunar's tooling builds: `<branch>-<appSha10>-<planSha10>`,
 * with every character of the branch that is not alphanumeric, `.` or `_`
 * replaced by `-`.
 */
export function artifactIdFor(
  branch: string,
  appSha: string,
  planSha: string,
): string {
  const b = branch.replace(/[^A-Za-z0-9._]+/g, '-').replace(/^-+|-+$/g, '');
  return `${b}-${appSha.slice(0, 10)}-${planSha.slice(0, 10)}`;
}
