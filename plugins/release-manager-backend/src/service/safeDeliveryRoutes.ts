import {
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  ARTIFACT_ID_RULE,
  isArtifactId,
  releaseManagerPolicyUpdatePermission,
  releaseManagerReleaseBreakGlassPermission,
  releaseManagerReleaseCreatePermission,
  releaseManagerReleaseReadPermission,
} from '@slipway/plugin-release-manager-common';
import { ReleaseManagerService } from '@slipway/plugin-release-manager-node';
import { Request, Router } from 'express';
import { z } from 'zod';

/** What {@link registerSafeDeliveryRoutes} needs from the plugin's router. */
export interface SafeDeliveryRoutesOptions {
  /** Authenticates the user, resolves the entity to its service and checks `permission` (401/404/403). */
  resolve(
    req: Request,
    permission: ResourcePermission<'catalog-entity'>,
  ): Promise<{
    credentials: BackstageCredentials<BackstageUserPrincipal>;
    entityRef: string;
    service: string;
  }>;
  /** The user as git committer (name and email from the catalog). */
  committerOf(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<{ name: string; email: string }>;
  client: ReleaseManagerService;
  logger: LoggerService;
  /** The configured environment names. */
  environment: z.ZodType<string>;
  /** `/entities/:namespace/:kind/:name` */
  entityPath: string;
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new InputError(
      result.error.issues
        .map(issue => `${issue.path.join('.') || 'body'}: ${issue.message}`)
        .join('; '),
    );
  }
  return result.data;
}

const reason = z
  .object({
    reason: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(500)
      .regex(/^[^\r\n]*$/, 'must be one line'),
  })
  .strict();

const intent = z.enum(
  ['ReleaseArtifact', 'Promote', 'Rollback', 'ReleaseBranch'],
  {
    error: () =>
      'must be one of ReleaseArtifact, Promote, Rollback, ReleaseBranch',
  },
);

/**
 * The safe-delivery routes of an entity (beside the plugin's others, authorized the
 * same way):
 *
 * - `GET …/gates?environment=&intent=&artifactId=&branch=` (read): every promotion
 *   gate's result and the freeze state of a prospective release (default: Promote);
 * - `GET …/freezes` (read), `POST …/freezes` and `DELETE …/freezes/:id` and
 *   `PUT …/freezes/incident-policy` (`release-manager.policy.update`): freeze windows
 *   and the incident freeze of the entity's service;
 * - `POST …/releases` (`release-manager.release.create`; with `breakGlass` or
 *   `overrideGates` also `release-manager.release.break-glass`): a release with any
 *   intent, as the signed-in user, that may break glass or override failing gates
 *   with a typed reason.
 *
 * Refusals of the release manager (409 frozen or gated) arrive as `ConflictError`
 * naming the window or gates.
 */
export function registerSafeDeliveryRoutes(
  router: Router,
  options: SafeDeliveryRoutesOptions,
): void {
  const { resolve, committerOf, client, logger, environment, entityPath } =
    options;

  router.get(`${entityPath}/gates`, async (req, res) => {
    const { service } = await resolve(req, releaseManagerReleaseReadPermission);
    const q = parse(
      z.object({
        environment,
        intent: intent.optional(),
        artifactId: z
          .string()
          .refine(isArtifactId, `must be ${ARTIFACT_ID_RULE}`)
          .optional(),
        branch: z.string().max(255).optional(),
      }),
      req.query,
    );
    res.json(await client.evaluateGates({ service, ...q }));
  });

  router.get(`${entityPath}/freezes`, async (req, res) => {
    const { service } = await resolve(req, releaseManagerReleaseReadPermission);
    const q = parse(
      z.object({ environment: environment.optional() }),
      req.query,
    );
    res.json(await client.listFreezes(service, q.environment));
  });

  router.post(`${entityPath}/freezes`, async (req, res) => {
    const { credentials, service, entityRef } = await resolve(
      req,
      releaseManagerPolicyUpdatePermission,
    );
    const body = parse(
      z
        .object({
          environment,
          reason: z.string().trim().min(1, 'must not be empty').max(500),
          from: z.string().max(40).optional(),
          to: z.string().max(40).optional(),
          rrule: z.string().max(1000).optional(),
          timeZone: z.string().max(100).optional(),
          durationMinutes: z.number().int().min(1).max(44640).optional(),
        })
        .strict(),
      req.body,
    );
    const committer = await committerOf(credentials);
    const answer = await client.addFreeze({
      service,
      ...body,
      committerName: committer.name,
      committerEmail: committer.email,
    });
    logger.info(
      `${committer.email} froze ${entityRef} in ${body.environment} (${answer.id}: ${body.reason})`,
    );
    res.status(201).json(answer);
  });

  router.delete(`${entityPath}/freezes/:id`, async (req, res) => {
    const { credentials, service } = await resolve(
      req,
      releaseManagerPolicyUpdatePermission,
    );
    const id = parse(
      z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a freeze window id'),
      req.params.id,
    );
    const committer = await committerOf(credentials);
    res.json(
      await client.removeFreeze({
        service,
        id,
        committerName: committer.name,
        committerEmail: committer.email,
      }),
    );
  });

  router.put(`${entityPath}/freezes/incident-policy`, async (req, res) => {
    const { credentials, service } = await resolve(
      req,
      releaseManagerPolicyUpdatePermission,
    );
    const body = parse(
      z.object({ environment: environment.optional(), enabled: z.boolean() }),
      req.body,
    );
    const committer = await committerOf(credentials);
    res.json(
      await client.setIncidentFreezePolicy({
        service,
        ...body,
        committerName: committer.name,
        committerEmail: committer.email,
      }),
    );
  });

  router.post(`${entityPath}/releases`, async (req, res) => {
    const body = parse(
      z
        .object({
          environment,
          intent: intent.default('ReleaseArtifact'),
          artifactId: z
            .string()
            .refine(isArtifactId, `must be ${ARTIFACT_ID_RULE}`)
            .optional(),
          branch: z.string().max(255).optional(),
          breakGlass: reason.optional(),
          overrideGates: reason.optional(),
        })
        .strict(),
      req.body,
    );
    const { credentials, service, entityRef } = await resolve(
      req,
      releaseManagerReleaseCreatePermission,
    );
    if (body.breakGlass || body.overrideGates) {
      // Only those the policy lets break glass (the owners, in the portal's policy).
      await resolve(req, releaseManagerReleaseBreakGlassPermission);
    }
    const committer = await committerOf(credentials);
    const answer = await client.safeRelease({
      service,
      environment: body.environment,
      artifactId: body.artifactId,
      committerName: committer.name,
      committerEmail: committer.email,
      intent: {
        type: body.intent,
        ...(body.intent === 'ReleaseBranch'
          ? { releaseBranch: { branch: body.branch } }
          : {}),
      },
      ...(body.breakGlass ? { breakGlass: body.breakGlass } : {}),
      ...(body.overrideGates ? { overrideGates: body.overrideGates } : {}),
    });
    const overrides = [
      answer.brokeFreeze ? `broke glass (${body.breakGlass?.reason})` : '',
      answer.overriddenGates?.length
        ? `overrode ${answer.overriddenGates.map(g => g.id).join(', ')} (${
            body.overrideGates?.reason
          })`
        : '',
    ].filter(Boolean);
    logger.info(
      `${committer.email} released ${answer.releaseId} of ${entityRef} to ${
        body.environment
      } (${body.intent})${overrides.length ? `; ${overrides.join('; ')}` : ''}`,
    );
    res.json(answer);
  });
}
