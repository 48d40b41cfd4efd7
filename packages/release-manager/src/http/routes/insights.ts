import { InputError } from '@backstage/errors';
import { RequestHandler, Request, Router } from 'express';
import { InsightsService } from '../../service/insights/InsightsService';
import { parse } from '../schemas';
import {
  doraRequestSchema,
  parseServiceList,
  parseTime,
  rangeStart,
} from './insightsSchemas';

/** Options of {@link registerInsightsRoutes}. */
export interface InsightsRoutesOptions {
  insights: InsightsService;
  /** Authentication of the routes (the API bearer token). */
  auth: RequestHandler;
  /** JSON body parser. */
  json: RequestHandler;
  clock?: () => number;
}

function one(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string')
    throw new InputError(`query parameter ${name} must be given once`);
  return v;
}

/**
 * Registers the delivery-insights routes (Slipway extension) on `router`:
 *
 * - `GET /insights/events?service=a,b&range=since-yesterday|24h|7d&zone=&endOfDayHour=`
 *   (or `since=` / `until=` as RFC 3339 or epoch ms) `&limit=`: the feed;
 * - `GET /insights/drift?service=a,b&from=&to=`: environment drift;
 * - `POST /insights/dora` ({@link DoraRequest}): the four DORA keys.
 *
 * `service` may be repeated or comma-separated. Bad input is a 400 naming the field.
 */
export function registerInsightsRoutes(
  router: Router,
  options: InsightsRoutesOptions,
): void {
  const { insights, auth, json } = options;
  const clock = options.clock ?? Date.now;

  router.get('/insights/events', auth, async (req, res) => {
    const services = parseServiceList(req.query.service);
    const now = clock();
    const sinceParam = one(req, 'since');
    const hour = one(req, 'endOfDayHour');
    const since = sinceParam
      ? parseTime(sinceParam, 'since')
      : rangeStart(
          one(req, 'range') ?? 'since-yesterday',
          now,
          one(req, 'zone') || 'UTC',
          hour === undefined ? 17 : Number(hour),
        );
    const untilParam = one(req, 'until');
    const until = untilParam ? parseTime(untilParam, 'until') : now;
    if (until <= since) throw new InputError('until must be after since');
    const limitParam = one(req, 'limit');
    const limit = limitParam === undefined ? 500 : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > 5000)
      throw new InputError('limit must be an integer 1–5000');
    res.json(await insights.events({ services, since, until, limit }));
  });

  router.get('/insights/drift', auth, async (req, res) => {
    res.json(
      await insights.drift({
        services: parseServiceList(req.query.service),
        from: one(req, 'from') || undefined,
        to: one(req, 'to') || undefined,
      }),
    );
  });

  router.post('/insights/dora', auth, json, async (req, res) => {
    const body = parse(doraRequestSchema, req.body);
    res.json(
      await insights.dora({
        services: parseServiceList(body.services, 'services'),
        days: body.days,
        failureWindowHours: body.failureWindowHours,
        environment: body.environment,
        incidents: body.incidents,
      }),
    );
  });
}
