import { createHash } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { z } from 'zod';
import {
  ARTIFACT_ID,
  ARTIFACT_ID_RULE,
  BRANCH_NAME,
  DNS1123_LABEL,
  DNS1123_LABEL_RULE,
  isValidBranchRegex,
  MANIFEST_FILE_NAME,
} from '@slipway/plugin-release-manager-common/rules';
import { ArtifactManifests } from './types';

/** A DNS-1123 label named `what` in messages (a service, environment or namespace name). */
export const dns = (what: string) =>
  z.string({ error: `${what} is required` }).regex(DNS1123_LABEL, {
    message: `${what} must be ${DNS1123_LABEL_RULE}`,
  });

/** The committer fields of write requests (`committerName`, `committerEmail`). */
export const person = {
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
  .regex(ARTIFACT_ID, `artifactId must be ${ARTIFACT_ID_RULE}`);

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
    .regex(
      BRANCH_NAME,
      "branch may contain letters, digits, '.', '_', '/' and '-' (no '..', at most 250 characters)",
    ),
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
    .max(500)
    .refine(isValidBranchRegex, {
      message: 'branchRegex is not a valid regular expression',
    }),
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
        MANIFEST_FILE_NAME,
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

/** An artifact id (the rule set's), e.g. in a path. */
export const artifactIdSchema = artifactId;

/** `count` and `limit` query parameters: a whole number 1–1000, `fallback` when absent. */
export const countSchema = (name: string, fallback: number) =>
  z
    .union([z.literal(''), z.string()])
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0 || n > 1000) {
        ctx.addIssue({
          code: 'custom',
          message: `invalid value '${v}' of ${name}. Must be a positive integer (at most 1000).`,
        });
        return z.NEVER;
      }
      return n;
    });

/** `since`: RFC 3339 time or epoch milliseconds, as an RFC 3339 string. */
const sinceSchema = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({
        code: 'custom',
        message: 'since must be an RFC 3339 time or epoch milliseconds',
      });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });

/** `GET /events` query. */
export const eventsQuerySchema = z.object({
  since: sinceSchema,
  service: dns('service').optional(),
  environment: dns('environment').optional(),
  limit: countSchema('limit', 100),
});

/**
 * Parses `value` with `schema` or throws an `InputError` (HTTP 400) whose
 * message names the first offending field.
 */
export function parse<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  what = 'request body',
): z.infer<T> {
  const r = schema.safeParse(value ?? (what === 'request body' ? {} : value));
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue.path.join('.');
    const msg = issue.message;
    if (issue.code === 'custom' && !field) throw new InputError(msg);
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

/**
 * Parses the body of `PUT /artifacts/upload/…`: JSON manifests (environment → file
 * name → content), checked against `md5` when given (hex or base64 MD5 of the body).
 * @throws InputError for a wrong MD5, malformed JSON or invalid manifests
 */
export function parseUploadedManifests(
  body: Buffer,
  md5?: string,
): ArtifactManifests {
  if (md5) {
    const hash = createHash('md5').update(body);
    const hex = hash.copy().digest('hex');
    const b64 = hash.digest('base64');
    if (md5 !== hex && md5 !== b64) {
      throw new InputError('md5 does not match the uploaded manifests');
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InputError(
      'manifests must be a JSON object: environment → file name → content',
    );
  }
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
