import {
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  ApplyAutoRollbackPolicyResponse,
  ListAutoRollbacksResponse,
  releaseManagerPolicyUpdatePermission,
  releaseManagerReleaseCreatePermission,
  releaseManagerReleaseReadPermission,
  ResumeAutoReleaseResponse,
} from '@slipway/plugin-release-manager-common';
import { ReleaseManagerService } from '@slipway/plugin-release-manager-node';
import { Request, Router } from 'express';
import { z } from 'zod';

/** What {@link registerAutoRollbackRoutes} needs from the plugin's router. */
export interface AutoRollbackRoutesOptions {
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
  client: Pick<
    ReleaseManagerService,
    'applyAutoRollbackPolicy' | 'resumeAutoRelease' | 'listAutoRollbacks'
  >;
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

const minutes = z
  .number({ error: () => 'must be a whole number of minutes' })
  .int('must be a whole number of minutes')
  .min(1, 'must be at least 1 (minutes)')
  .max(1440, 'must be at most 1440 (minutes, one day)');

/**
 * The automatic rollback routes of an entity (beside the plugin's others, authorized
 * the same way):
 *
 * - `PUT …/policies/auto-rollback` (`release-manager.policy.update`, 201): sets or
 *   replaces the automatic rollback policy of an environment, body
 *   `{ environment, onRolloutFailure?, notReadyWithinMinutes?, healthRedWithinMinutes? }`
 *   with at least one trigger; it is removed with `DELETE …/policies/auto-rollback-<env>`;
 * - `POST …/auto-release/resume` (`release-manager.release.create`): resumes
 *   auto-release into `{ environment }` after an automatic rollback paused it (the
 *   pause shows as `autoReleasePaused` in `GET …/status`);
 * - `GET …/auto-rollbacks?environment=` (read): the automatic rollbacks, newest first.
 */
export function registerAutoRollbackRoutes(
  router: Router,
  options: AutoRollbackRoutesOptions,
): void {
  const { resolve, committerOf, client, logger, environment, entityPath } =
    options;

  router.put(`${entityPath}/policies/auto-rollback`, async (req, res) => {
    const { credentials, service, entityRef } = await resolve(
      req,
      releaseManagerPolicyUpdatePermission,
    );
    const body = parse(
      z
        .object({
          environment,
          onRolloutFailure: z.boolean().optional(),
          notReadyWithinMinutes: minutes.optional(),
          healthRedWithinMinutes: minutes.optional(),
        })
        .strict()
        .refine(
          b =>
            b.onRolloutFailure === true ||
            b.notReadyWithinMinutes !== undefined ||
            b.healthRedWithinMinutes !== undefined,
          {
            message:
              'at least one trigger is required: onRolloutFailure, notReadyWithinMinutes or healthRedWithinMinutes',
          },
        ),
      req.body,
    );
    const committer = await committerOf(credentials);
    const answer: ApplyAutoRollbackPolicyResponse =
      await client.applyAutoRollbackPolicy({
        service,
        ...body,
        committerName: committer.name,
        committerEmail: committer.email,
      });
    logger.info(
      `${committer.email} set automatic rollback of ${entityRef} in ${body.environment}`,
    );
    res.status(201).json(answer);
  });

  router.post(`${entityPath}/auto-release/resume`, async (req, res) => {
    const { credentials, service, entityRef } = await resolve(
      req,
      releaseManagerReleaseCreatePermission,
    );
    const body = parse(z.object({ environment }).strict(), req.body);
    const committer = await committerOf(credentials);
    const answer: ResumeAutoReleaseResponse = await client.resumeAutoRelease({
      service,
      environment: body.environment,
      committerName: committer.name,
      committerEmail: committer.email,
    });
    logger.info(
      `${committer.email} resumed auto-release of ${entityRef} in ${
        body.environment
      } (${answer.resumed ? 'was paused' : 'was not paused'})`,
    );
    res.json(answer);
  });

  router.get(`${entityPath}/auto-rollbacks`, async (req, res) => {
    const { service } = await resolve(req, releaseManagerReleaseReadPermission);
    const query = parse(
      z.object({ environment: environment.optional() }),
      req.query,
    );
    const answer: ListAutoRollbacksResponse = await client.listAutoRollbacks(
      service,
      query.environment,
    );
    res.json(answer);
  });
}
