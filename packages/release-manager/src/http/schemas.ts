import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { ARTIFACT_ID, DNS1123_LABEL, MANIFEST_FILE } from '../names';
import { ArtifactManifests } from './types';

const dns = (what: string) =>
  z.string({ error: `${what} is required` }).regex(DNS1123_LABEL, {
    message: `${what} must be a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)`,
  });

const person = {
  committerName: z
    .string({ error: 'committerName is required' })
    .trim()
    .min(1, 'committerName is required')
    .max(200),
  committerEmail: z
    .string({ error: 'committerEmail is required' })
    .trim()
    .min(3, 'committerEmail is required')
    .max(200)
    .regex(/^[^\s<>@]+@[^\s<>@]+$/, 'committerEmail must be an email address'),
};

const artifactId = z
  .string()
  .regex(
    ARTIFACT_ID,
    "artifactId must contain only letters, digits, '.', '_' and '-'",
  )
  .refine(v => !v.includes('..'), "artifactId must not contain '..'");

const intentSchema = z.object({
  type: z.enum(
    ['ReleaseArtifact', 'ReleaseBranch', 'Promote', 'Rollback', 'AutoRelease'],
    {
      error:
        'intent.type must be one of ReleaseArtifact, ReleaseBranch, Promote, Rollback, AutoRelease',
    },
  ),
  releaseBranch: z
    .object({ branch: z.string().max(250).optional() })
    .optional(),
  promote: z
    .object({
      fromEnvironment: dns('intent.promote.fromEnvironment').optional(),
    })
    .optional(),
  rollback: z.object({ previousArtifactId: artifactId.optional() }).optional(),
});

/** `POST /release` body. */
export const releaseRequestSchema = z.object({
  service: dns('service'),
  environment: dns('environment'),
  artifactId: artifactId.optional(),
  intent: intentSchema.optional(),
  ...person,
});

/** `POST /rollback` body. */
export const rollbackRequestSchema = z.object({
  service: dns('service'),
  environment: dns('environment'),
  namespace: dns('namespace').optional(),
  artifactId: artifactId.optional(),
  ...person,
});

/** `POST /promote` body. */
export const promoteRequestSchema = z.object({
  service: dns('service'),
  environment: dns('environment'),
  ...person,
});

/** `PATCH /policies/auto-release` body. */
export const autoReleaseSchema = z.object({
  service: dns('service'),
  branch: z
    .string({ error: 'branch is required' })
    .min(1, 'branch is required')
    .max(250)
    .regex(
      /^[A-Za-z0-9._/-]+$/,
      "branch may contain letters, digits, '.', '_', '/' and '-'",
    )
    .refine(b => !b.includes('..'), "branch must not contain '..'"),
  environment: dns('environment'),
  ...person,
});

/** `PATCH /policies/branch-restriction` body. */
export const branchRestrictionSchema = z.object({
  service: dns('service'),
  environment: dns('environment'),
  branchRegex: z
    .string({ error: 'branchRegex is required' })
    .min(1, 'branchRegex is required')
    .max(500),
  ...person,
});

/** `DELETE /policies` body. */
export const deletePoliciesSchema = z.object({
  service: dns('service'),
  policyIds: z
    .array(z.string().trim().min(1).max(300), {
      error: 'policyIds must be a list of policy ids',
    })
    .min(1, 'policyIds: no policy ids supplied'),
  ...person,
});

const repository = z
  .object({
    branch: z.string().max(250).optional(),
    sha: z.string().max(64).optional(),
    authorName: z.string().max(200).optional(),
    authorEmail: z.string().max(200).optional(),
    committerName: z.string().max(200).optional(),
    committerEmail: z.string().max(200).optional(),
    message: z.string().max(10000).optional(),
    name: z.string().max(200).optional(),
    url: z.string().max(500).optional(),
    provider: z.string().max(50).optional(),
  })
  .passthrough();

/** The artifact spec (Lunar `artifact.Spec`). */
export const artifactSpecSchema = z
  .object({
    id: artifactId,
    service: dns('artifact.service'),
    namespace: dns('artifact.namespace').optional(),
    application: repository,
    ci: z
      .object({
        jobUrl: z.string().max(500).optional(),
        start: z.string().optional(),
        end: z.string().optional(),
      })
      .passthrough()
      .optional(),
    squad: z.string().max(100).optional(),
    shuttle: z
      .object({
        plan: repository.optional(),
        shuttleVersion: z.string().optional(),
      })
      .passthrough()
      .optional(),
    stages: z
      .array(
        z
          .object({
            id: z.string().min(1).max(100),
            name: z.string().max(200).optional(),
            data: z.unknown().optional(),
          })
          .passthrough(),
      )
      .optional(),
  })
  .passthrough();

/** Manifests: environment → file name → YAML text. */
export const manifestsSchema = z.record(
  dns('manifests environment'),
  z.record(
    z
      .string()
      .regex(
        MANIFEST_FILE,
        'manifest file names must be one path segment ending in .yaml, .yml or .json',
      ),
    z.string().max(1_000_000),
  ),
);

/** `POST /artifacts/create` body. */
export const artifactUploadSchema = z.object({
  artifact: artifactSpecSchema,
  md5: z.string().max(100).optional(),
  manifests: manifestsSchema.optional(),
});

/** `POST /webhook/daemon/k8s/deploy` body. */
export const releaseEventSchema = z
  .object({
    name: dns('name'),
    namespace: z.string().max(63).optional(),
    resourceType: z.string().max(50).optional(),
    availablePods: z.number().int().min(0),
    replicas: z.number().int().min(0).optional(),
    artifactId,
    authorEmail: z.string().max(200).optional(),
    environment: dns('environment'),
  })
  .passthrough();

const logsSchema = z
  .union([z.array(z.string().max(10000)).max(200), z.string().max(100000)])
  .optional();

/** `POST /webhook/daemon/k8s/error` body. */
export const podErrorSchema = z
  .object({
    podName: z.string().min(1).max(253),
    namespace: z.string().max(63).optional(),
    errors: z
      .array(
        z
          .object({
            name: z.string().min(1).max(253),
            message: z.string().max(10000).optional(),
            type: z.string().max(100).optional(),
            reason: z.string().max(100).optional(),
            logs: logsSchema,
          })
          .passthrough(),
      )
      .min(1, 'errors must list at least one container error'),
    authorEmail: z.string().max(200).optional(),
    environment: dns('environment'),
    artifactId,
    service: dns('service').optional(),
  })
  .passthrough();

/** `POST /webhook/daemon/k8s/joberror` body. */
export const jobErrorSchema = z
  .object({
    jobName: z.string().min(1).max(253),
    namespace: z.string().max(63).optional(),
    errors: z
      .array(
        z
          .object({
            type: z.string().optional(),
            reason: z.string().optional(),
            message: z.string().optional(),
          })
          .passthrough(),
      )
      .min(1, 'errors must list at least one condition'),
    authorEmail: z.string().max(200).optional(),
    environment: dns('environment'),
    artifactId,
    service: dns('service').optional(),
  })
  .passthrough();

/** A Flux notification-controller event. */
export const fluxEventSchema = z
  .object({
    involvedObject: z
      .object({
        kind: z.string().min(1),
        name: z.string().min(1).max(253),
        namespace: z.string().optional(),
      })
      .passthrough(),
    severity: z.string().min(1),
    timestamp: z.string().optional(),
    message: z.string().max(10000),
    reason: z.string().max(200),
    metadata: z.record(z.string(), z.string()).optional(),
    reportingController: z.string().optional(),
    reportingInstance: z.string().optional(),
  })
  .passthrough();

/**
 * Parses `value` with `schema` or throws an `InputError` (HTTP 400) whose
 * message names the first offending field.
 */
export function parse<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  what = 'request body',
): z.infer<T> {
  if (
    value === undefined ||
    value === null ||
    (typeof value === 'object' &&
      !Array.isArray(value) &&
      Object.keys(value as object).length === 0 &&
      what === 'request body')
  ) {
    // fall through to zod for field names
  }
  const r = schema.safeParse(value ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue.path.join('.');
    const msg = issue.message;
    throw new InputError(
      field && !msg.includes(field.split('.').pop()!)
        ? `invalid ${what}: ${field}: ${msg}`
        : `invalid ${what}: ${msg}${
            field && !msg.startsWith(field) ? ` (${field})` : ''
          }`,
    );
  }
  return r.data;
}

/** Validates an uploaded manifests object. @throws InputError */
export function parseManifests(value: unknown): ArtifactManifests {
  return parse(manifestsSchema, value, 'manifests');
}

/** Normalizes daemon log lines: a string becomes its lines; at most the last 50. */
export function normalizeLogs(
  logs: string[] | string | undefined,
): string[] | undefined {
  if (logs === undefined) return undefined;
  const lines = Array.isArray(logs) ? logs : logs.split('\n');
  return lines.filter(l => l !== '').slice(-50);
}
