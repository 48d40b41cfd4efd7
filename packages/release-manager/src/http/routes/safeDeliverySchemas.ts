import { z } from 'zod';
import { dns, releaseRequestSchema } from '../schemas';

const person = {
  committerName: releaseRequestSchema.shape.committerName,
  committerEmail: releaseRequestSchema.shape.committerEmail,
};

/** A typed override reason: 1–500 characters, one line (it becomes a commit trailer). */
const reason = (field: string) =>
  z
    .object(
      {
        reason: z
          .string({ error: `${field}.reason is required` })
          .trim()
          .min(1, `${field}.reason must not be empty`)
          .max(500, `${field}.reason must be at most 500 characters`)
          .regex(/^[^\r\n]*$/, `${field}.reason must be one line`),
      },
      { error: `${field} must be an object with a reason` },
    )
    .strict();

/** `POST /releases` body: Lunar's release request plus break glass and gate override. */
export const safeReleaseSchema = releaseRequestSchema.extend({
  breakGlass: reason('breakGlass').optional(),
  overrideGates: reason('overrideGates').optional(),
});

const light = z.enum(['green', 'amber', 'red', 'grey'], {
  error: 'light must be one of green, amber, red, grey',
});

const healthSignal = z
  .object({
    light,
    reason: z.string().max(1000).optional(),
    url: z.string().max(2000).optional(),
  })
  .strict();

const rfc3339 = (field: string) =>
  z
    .string({ error: `${field} is required` })
    .refine(
      v =>
        /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i.test(
          v,
        ) && !Number.isNaN(Date.parse(v)),
      `${field} must be an RFC 3339 time`,
    );

/** `PUT /webhook/signals/{service}` body. */
export const signalsSchema = z
  .object({
    health: healthSignal,
    environments: z.record(dns('environment'), healthSignal).optional(),
    incidents: z
      .array(
        z
          .object({
            id: z.string().min(1).max(200),
            title: z.string().max(1000),
            urgency: z.enum(['high', 'low'], {
              error: 'urgency must be high or low',
            }),
            url: z.string().max(2000).optional(),
            createdAt: z.string().max(40).optional(),
          })
          .strict(),
      )
      .max(1000),
    observedAt: rfc3339('observedAt'),
    source: z.string().max(100).optional(),
  })
  .strict();

/** `POST /freezes` body (the window itself is checked by `validateFreezeSpec`). */
export const addFreezeSchema = z
  .object({
    service: dns('service'),
    environment: dns('environment'),
    reason: z.string({ error: 'reason is required' }).max(500),
    from: z.string().optional(),
    to: z.string().optional(),
    rrule: z.string().max(1000).optional(),
    timeZone: z.string().max(100).optional(),
    durationMinutes: z
      .number({ error: 'durationMinutes must be a number' })
      .optional(),
    ...person,
  })
  .strict();

/** `DELETE /freezes` body. */
export const deleteFreezeSchema = z.object({
  service: dns('service'),
  id: z
    .string({ error: 'id is required' })
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'id must be a freeze window id'),
  ...person,
});

/** `PUT /freezes/incident-policy` body. */
export const incidentPolicySchema = z.object({
  service: dns('service'),
  environment: dns('environment').optional(),
  enabled: z.boolean({ error: 'enabled must be true or false' }),
  ...person,
});

/** `GET /gates` query. */
export const gatesQuerySchema = z.object({
  service: dns('service'),
  environment: dns('environment'),
  intent: z
    .enum(
      [
        'ReleaseArtifact',
        'ReleaseBranch',
        'Promote',
        'Rollback',
        'AutoRelease',
      ],
      {
        error:
          'intent must be one of ReleaseArtifact, ReleaseBranch, Promote, Rollback, AutoRelease',
      },
    )
    .default('Promote'),
  artifactId: releaseRequestSchema.shape.artifactId,
  branch: z.string().max(250).optional(),
});
