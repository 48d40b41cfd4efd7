import {
  AuthService,
  DiscoveryService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  InsightsEvent,
  PortalDoraResponse,
  PortalDriftResponse,
  PortalInsightsEventsResponse,
} from '@slipway/plugin-release-manager-common';
import { ReleaseManagerService } from '@slipway/plugin-release-manager-node';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { openIncidents, ScopedIncident } from './incidents';
import { parseScopeRefs, resolveScope, ResolvedScope } from './scope';

/** What {@link createInsightsRouter} needs. */
export interface InsightsRouterOptions {
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  discovery: DiscoveryService;
  client: Pick<
    ReleaseManagerService,
    'insightsEvents' | 'insightsDrift' | 'insightsDora'
  >;
  /** The fetch of on-call requests (tests); default the global `fetch`. */
  fetch?: typeof fetch;
}

function one(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string')
    throw new InputError(`query parameter ${name} must be given once`);
  return v;
}

function intParam(
  req: Request,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const v = one(req, name);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InputError(`${name} must be an integer ${min}–${max}`);
  return n;
}

/** An incident as feed lines: opened (and resolved) within `[since, until)`. */
function incidentEvents(
  incidents: ScopedIncident[],
  since: string,
  until: string,
): InsightsEvent[] {
  const out: InsightsEvent[] = [];
  const within = (t?: string) => Boolean(t && t >= since && t < until);
  for (const i of incidents) {
    const base = {
      service: i.service,
      incidentId: i.id,
      url: i.url,
    };
    if (within(i.createdAt))
      out.push({
        ...base,
        kind: 'incident-opened',
        at: new Date(i.createdAt).toISOString(),
        actorName: i.triggeredBy,
        message: `${i.service}: ${i.urgency}-urgency incident "${i.title}" opened`,
      });
    if (within(i.resolvedAt))
      out.push({
        ...base,
        kind: 'incident-resolved',
        at: new Date(i.resolvedAt!).toISOString(),
        actorName: i.resolvedBy,
        message: `${i.service}: incident "${i.title}" resolved`,
      });
  }
  return out;
}

/**
 * Delivery insights of the portal, under `/api/release-manager/insights`, for a team
 * (Group), a System, a User (the groups they belong to) or Components, given as
 * `entityRef` (comma-separated or repeated) with `dependencies=true` to add the
 * components theirs depend on:
 *
 * - `GET /insights/events?entityRef=&range=since-yesterday|24h|7d&zone=&endOfDayHour=`
 *   → {@link PortalInsightsEventsResponse}: the release manager's feed of their
 *   services plus their incidents opened or resolved in the range, newest first;
 * - `GET /insights/drift?entityRef=&from=&to=` → {@link PortalDriftResponse};
 * - `GET /insights/dora?entityRef=&days=&failureWindowHours=` → {@link PortalDoraResponse}:
 *   the release manager computes the four keys from the config repo and rollout
 *   events; the portal passes the incidents in (open ones, from the on-call plugin).
 *
 * A signed-in user is needed (401). Entities are read with the user's credentials
 * and only those with `release-manager.release.read` count (see `resolveScope`).
 * Bad input is a 400 naming the field; an unknown entity a 404.
 */
export async function createInsightsRouter(
  options: InsightsRouterOptions,
): Promise<express.Router> {
  const { httpAuth, catalog, permissions, client } = options;
  const router = Router();

  async function scopeOf(req: Request) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const refs = parseScopeRefs(req.query.entityRef);
    const deps = one(req, 'dependencies');
    if (deps !== undefined && deps !== 'true' && deps !== 'false')
      throw new InputError('dependencies must be true or false');
    const scope = await resolveScope({
      refs,
      dependencies: deps === 'true',
      credentials,
      catalog,
      permissions,
    });
    return { credentials, scope };
  }

  async function incidentsOf(
    scope: ResolvedScope,
    credentials: Awaited<ReturnType<typeof scopeOf>>['credentials'],
  ) {
    const entityServices = new Map(
      scope.entities.map(e => [e.entityRef, e.service]),
    );
    const { incidents, warning } = await openIncidents({
      entityServices,
      credentials,
      auth: options.auth,
      discovery: options.discovery,
      fetch: options.fetch,
    });
    if (warning) scope.warnings.push(warning);
    return incidents;
  }

  const scopePart = (s: ResolvedScope) => ({
    entityRefs: s.entityRefs,
    entities: s.entities,
    warnings: s.warnings,
  });

  router.get('/insights/events', async (req, res) => {
    const { credentials, scope } = await scopeOf(req);
    const range = one(req, 'range') ?? 'since-yesterday';
    if (!['since-yesterday', '24h', '7d'].includes(range))
      throw new InputError('range must be one of since-yesterday, 24h, 7d');
    if (!scope.services.length) {
      const now = new Date().toISOString();
      const empty: PortalInsightsEventsResponse = {
        since: now,
        until: now,
        services: [],
        events: [],
        truncated: false,
        ...scopePart(scope),
      };
      res.json(empty);
      return;
    }
    const [feed, incidents] = await Promise.all([
      client.insightsEvents({
        services: scope.services,
        range: range as 'since-yesterday' | '24h' | '7d',
        zone: one(req, 'zone') || undefined,
        endOfDayHour: intParam(req, 'endOfDayHour', 0, 23),
        limit: intParam(req, 'limit', 1, 5000),
      }),
      incidentsOf(scope, credentials),
    ]);
    const events = [
      ...feed.events,
      ...incidentEvents(incidents, feed.since, feed.until),
    ].sort((a, b) => b.at.localeCompare(a.at));
    const body: PortalInsightsEventsResponse = {
      ...feed,
      events,
      ...scopePart(scope),
    };
    res.json(body);
  });

  router.get('/insights/drift', async (req, res) => {
    const { scope } = await scopeOf(req);
    const from = one(req, 'from') || undefined;
    const to = one(req, 'to') || undefined;
    if (!scope.services.length) {
      const body: PortalDriftResponse = {
        environments: [],
        from: from ?? '',
        to: to ?? '',
        services: [],
        generatedAt: new Date().toISOString(),
        ...scopePart(scope),
      };
      res.json(body);
      return;
    }
    const drift = await client.insightsDrift({
      services: scope.services,
      from,
      to,
    });
    const body: PortalDriftResponse = { ...drift, ...scopePart(scope) };
    res.json(body);
  });

  router.get('/insights/dora', async (req, res) => {
    const { credentials, scope } = await scopeOf(req);
    const days = intParam(req, 'days', 1, 366) ?? 30;
    const failureWindowHours =
      intParam(req, 'failureWindowHours', 1, 720) ?? 24;
    if (!scope.services.length)
      throw new InputError(
        `entityRef: ${scope.entityRefs.join(
          ', ',
        )} stands for no component with a release-manager service you may read`,
      );
    const incidents = await incidentsOf(scope, credentials);
    const dora = await client.insightsDora({
      services: scope.services,
      days,
      failureWindowHours,
      incidents: incidents.map(i => ({
        service: i.service,
        openedAt: new Date(i.createdAt).toISOString(),
        resolvedAt: i.resolvedAt
          ? new Date(i.resolvedAt).toISOString()
          : undefined,
        urgency: i.urgency,
        id: i.id,
      })),
    });
    const body: PortalDoraResponse = {
      ...dora,
      ...scopePart(scope),
      incidentsCounted: incidents.length,
    };
    res.json(body);
  });

  return router;
}
