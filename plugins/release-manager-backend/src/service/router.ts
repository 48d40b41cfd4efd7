import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  commitUrl,
  EntityArtifacts,
  EntityPolicies,
  EntityReleaseHistory,
  EntityReleaseResult,
  EntityReleaseStatus,
  EntityReleaseStatusBatchResponse,
  MAX_STATUS_BATCH_SIZE,
  getReleaseManagerService,
  releaseManagerPolicyUpdatePermission,
  releaseManagerReleaseBreakGlassPermission,
  releaseManagerReleaseCreatePermission,
  releaseManagerReleaseReadPermission,
  ArtifactSpec,
  ARTIFACT_ID_RULE,
  isArtifactId,
  isBranchName,
  isValidBranchRegex,
} from '@slipway/plugin-release-manager-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ReleaseManagerService } from '@slipway/plugin-release-manager-node';
import { ReleaseManagerPluginConfig } from '../config';
import { registerAutoRollbackRoutes } from './autoRollbackRoutes';
import { lookupCommitter } from './committer';
import { toEntityReleaseStatus } from './entityStatus';
import { registerSafeDeliveryRoutes } from './safeDeliveryRoutes';
import { statusOfMany } from './statusBatch';

/** What {@link createRouter} needs. */
export type RouterOptions = {
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  logger: LoggerService;
  config: ReleaseManagerPluginConfig;
  /** The release manager; its errors arrive as Backstage errors (see `mapReleaseManagerError`). */
  client: ReleaseManagerService;
};

const name = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9._~-]+$/, 'must be a name without slashes or spaces');

/** An artifact id by the common rule (no `/`, no `..`; see ARTIFACT_ID). */
const artifactId = z
  .string()
  .refine(isArtifactId, `must be ${ARTIFACT_ID_RULE}`);

/** An entity ref such as `component:default/ledger`, normalised. */
const entityRefSchema = z.string().transform((value, ctx) => {
  try {
    return stringifyEntityRef(parseEntityRef(value));
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: 'must be an entity ref like component:default/ledger',
    });
    return z.NEVER;
  }
});

const count = z.coerce.number().int().min(1).max(100);

/** Parses with zod and throws an InputError naming the offending fields. */
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

/**
 * The plugin's routes under `/api/release-manager`. Every route addresses a catalog
 * entity as `/entities/{namespace}/{kind}/{name}`, needs a signed-in user (401
 * otherwise), answers 404 for an unknown entity or one without the
 * `slipway.dev/release-manager-service` annotation, and checks the route's permission
 * on that entity (403 when denied). Reads need `release-manager.release.read`;
 * release, promote and rollback need `release-manager.release.create`; policy changes
 * need `release-manager.policy.update`. Release-manager errors arrive mapped by
 * `mapReleaseManagerError` of `@slipway/plugin-release-manager-node`.
 *
 * For other plugins (user or service credentials): `POST /status/batch` with
 * `{ entityRefs }` (1 to 500) answers `EntityReleaseStatusBatchResponse`, each entity
 * checked against `release-manager.release.read` (see `statusOfMany`).
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, auth, permissions, catalog, config, client, logger } =
    options;
  const environments = [...client.connection.environments];
  const environment = z.enum(environments as [string, ...string[]], {
    error: () => `must be one of ${environments.join(', ')}`,
  });

  const router = Router();
  router.use(express.json({ limit: '100kb' }));

  /** Authenticates, resolves and authorizes; returns what a route needs. */
  async function resolve(
    req: Request,
    permission: ResourcePermission<'catalog-entity'>,
  ) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const params = parse(
      z.object({ namespace: name, kind: name, name: name }),
      req.params,
    );
    const entityRef = stringifyEntityRef(params);
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity)
      throw new NotFoundError(`no entity ${entityRef} in the catalog`);
    const service = getReleaseManagerService(entity);
    if (!service) {
      throw new NotFoundError(
        `${entityRef} has no slipway.dev/release-manager-service annotation`,
      );
    }
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `${credentials.principal.userEntityRef} may not ${describe(
          permission,
        )} ${entityRef}; only its owners may`,
      );
    }
    return { credentials, entity, entityRef, service };
  }

  async function committerOf(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ) {
    return lookupCommitter(credentials.principal.userEntityRef, catalog, auth);
  }

  const withLinks = (artifact: ArtifactSpec) => ({
    ...artifact,
    commitUrl: commitUrl(artifact.application, config.commitUrlTemplate),
  });

  const entityPath = '/entities/:namespace/:kind/:name';

  router.post('/status/batch', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = parse(
      z.object({
        entityRefs: z.array(entityRefSchema).min(1).max(MAX_STATUS_BATCH_SIZE),
      }),
      req.body,
    );
    const result: EntityReleaseStatusBatchResponse = await statusOfMany({
      entityRefs: body.entityRefs,
      credentials,
      catalog,
      permissions,
      client,
      commitUrlTemplate: config.commitUrlTemplate,
    });
    res.json(result);
  });

  router.get(`${entityPath}/status`, async (req, res) => {
    const { entity, service } = await resolve(
      req,
      releaseManagerReleaseReadPermission,
    );
    const status = await client.status(service);
    const body: EntityReleaseStatus = toEntityReleaseStatus({
      entity,
      service,
      status,
      environments,
      commitUrlTemplate: config.commitUrlTemplate,
    });
    res.json(body);
  });

  router.get(`${entityPath}/artifacts`, async (req, res) => {
    const { service } = await resolve(req, releaseManagerReleaseReadPermission);
    const query = parse(
      z.object({
        count: count.optional(),
        branch: z.string().max(255).optional(),
      }),
      req.query,
    );
    const answer = await client.describeArtifacts(service, {
      count: query.count ?? 10,
      branch: query.branch,
    });
    const body: EntityArtifacts = {
      service,
      artifacts: (answer.artifacts ?? []).map(withLinks),
    };
    res.json(body);
  });

  router.get(`${entityPath}/releases/:environment`, async (req, res) => {
    const { service } = await resolve(req, releaseManagerReleaseReadPermission);
    const env = parse(environment, req.params.environment);
    const query = parse(z.object({ count: count.optional() }), req.query);
    const answer = await client.describeReleases(
      service,
      env,
      query.count ?? 10,
    );
    const body: EntityReleaseHistory = {
      service,
      environment: env,
      releases: (answer.releases ?? []).map(release => ({
        ...release,
        artifact: withLinks(release.artifact),
      })),
    };
    res.json(body);
  });

  router.get(`${entityPath}/policies`, async (req, res) => {
    const { service } = await resolve(req, releaseManagerReleaseReadPermission);
    const answer = await client.listPolicies(service);
    const body: EntityPolicies = {
      service,
      autoReleases: answer.autoReleases ?? [],
      branchRestrictions: answer.branchRestrictions ?? [],
      ...(answer.autoRollbacks ? { autoRollbacks: answer.autoRollbacks } : {}),
    };
    res.json(body);
  });

  router.post(`${entityPath}/release`, async (req, res) => {
    const { credentials, service, entityRef } = await resolve(
      req,
      releaseManagerReleaseCreatePermission,
    );
    const body = parse(z.object({ environment, artifactId }), req.body);
    const committer = await committerOf(credentials);
    const answer = await client.release({
      service,
      environment: body.environment,
      artifactId: body.artifactId,
      committerName: committer.name,
      committerEmail: committer.email,
      intent: { type: 'ReleaseArtifact' },
    });
    logger.info(
      `${committer.email} released ${body.artifactId} of ${entityRef} to ${body.environment}`,
    );
    const result: EntityReleaseResult = answer;
    res.json(result);
  });

  router.post(`${entityPath}/promote`, async (req, res) => {
    const { credentials, service, entityRef } = await resolve(
      req,
      releaseManagerReleaseCreatePermission,
    );
    const body = parse(z.object({ environment }), req.body);
    const committer = await committerOf(credentials);
    // The release manager resolves the source environment and its artifact (intent Promote).
    const answer = await client.promote({
      service,
      environment: body.environment,
      committerName: committer.name,
      committerEmail: committer.email,
    });
    logger.info(
      `${committer.email} promoted ${answer.tag} of ${entityRef} from ${answer.fromEnvironment} to ${body.environment}`,
    );
    const result: EntityReleaseResult = {
      service,
      releaseId: answer.tag,
      tag: answer.tag,
      status: answer.status,
      toEnvironment: answer.toEnvironment,
      commit: answer.commit,
      fromEnvironment: answer.fromEnvironment,
    };
    res.json(result);
  });

  router.post(`${entityPath}/rollback`, async (req, res) => {
    const { credentials, service, entityRef } = await resolve(
      req,
      releaseManagerReleaseCreatePermission,
    );
    const body = parse(
      z.object({ environment, artifactId: artifactId.optional() }),
      req.body,
    );
    const committer = await committerOf(credentials);
    // The release manager resolves the target (the release before the running one, or
    // the chosen one if it ran there) and the artifact it replaces (intent Rollback).
    const answer = await client.rollback({
      service,
      environment: body.environment,
      artifactId: body.artifactId,
      committerName: committer.name,
      committerEmail: committer.email,
    });
    logger.info(
      `${committer.email} rolled back ${entityRef} in ${body.environment} from ${answer.previousArtifactId} to ${answer.newArtifactId}`,
    );
    const result: EntityReleaseResult = {
      service,
      releaseId: answer.newArtifactId,
      tag: answer.newArtifactId,
      status: answer.status,
      toEnvironment: answer.environment,
      commit: answer.commit,
      previousArtifactId: answer.previousArtifactId,
    };
    res.json(result);
  });

  router.put(`${entityPath}/policies/auto-release`, async (req, res) => {
    const { credentials, service } = await resolve(
      req,
      releaseManagerPolicyUpdatePermission,
    );
    const body = parse(
      z.object({
        environment,
        branch: z
          .string()
          .refine(
            isBranchName,
            "must be a branch name (letters, digits, '.', '_', '/' and '-', no '..')",
          ),
      }),
      req.body,
    );
    const committer = await committerOf(credentials);
    const answer = await client.applyAutoReleasePolicy({
      service,
      environment: body.environment,
      branch: body.branch,
      committerName: committer.name,
      committerEmail: committer.email,
    });
    res.status(201).json(answer);
  });

  router.put(`${entityPath}/policies/branch-restriction`, async (req, res) => {
    const { credentials, service } = await resolve(
      req,
      releaseManagerPolicyUpdatePermission,
    );
    const body = parse(
      z.object({
        environment,
        branchRegex: z
          .string()
          .min(1)
          .max(500)
          .refine(isValidBranchRegex, 'must be a valid regular expression'),
      }),
      req.body,
    );
    const committer = await committerOf(credentials);
    const answer = await client.applyBranchRestrictionPolicy({
      service,
      environment: body.environment,
      branchRegex: body.branchRegex,
      committerName: committer.name,
      committerEmail: committer.email,
    });
    res.status(201).json(answer);
  });

  router.delete(`${entityPath}/policies/:policyId`, async (req, res) => {
    const { credentials, service } = await resolve(
      req,
      releaseManagerPolicyUpdatePermission,
    );
    const policyId = parse(
      z
        .string()
        .min(1)
        .max(300)
        .regex(/^[A-Za-z0-9._\/-]+$/, 'must be a policy id'),
      req.params.policyId,
    );
    const committer = await committerOf(credentials);
    const answer = await client.deletePolicies({
      service,
      policyIds: [policyId],
      committerName: committer.name,
      committerEmail: committer.email,
    });
    if (!answer.count) {
      throw new NotFoundError(`policy ${policyId} of ${service} not found`);
    }
    res.json(answer);
  });

  // Freeze windows, promotion gates and break glass.
  registerSafeDeliveryRoutes(router, {
    resolve,
    committerOf,
    client,
    logger,
    environment,
    entityPath,
  });

  // Automatic rollback and pausing auto-release.
  registerAutoRollbackRoutes(router, {
    resolve,
    committerOf,
    client,
    logger,
    environment,
    entityPath,
  });

  return router;
}

function describe(permission: ResourcePermission<'catalog-entity'>): string {
  switch (permission.name) {
    case releaseManagerReleaseCreatePermission.name:
      return 'release';
    case releaseManagerPolicyUpdatePermission.name:
      return 'change the release policies of';
    case releaseManagerReleaseBreakGlassPermission.name:
      return 'break glass or override the promotion gates of';
    default:
      return 'read the releases of';
  }
}
