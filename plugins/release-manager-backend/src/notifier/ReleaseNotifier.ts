import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  RELEASE_MANAGER_SERVICE_ANNOTATION,
  ReleaseManagerEvent,
} from '@slipway/plugin-release-manager-common';
import { ReleaseManagerService } from '@slipway/plugin-release-manager-node';
import { Knex } from 'knex';
import {
  AutoRollbackNotice,
  autoRollbackNotice,
  autoRollbackNotification,
} from './autoRollbackNotice';

/** Made by migrations/20261202000000_notifier_cursor.js. */
const TABLE = 'release_manager_notifier_cursor';

/** What the notifier remembers between polls: the newest event it has handled. */
type Cursor = { lastEventId: number; lastEventAt: string };

/** A rollout outcome worth telling the owners about. */
export type RolloutOutcome = {
  service: string;
  environment: string;
  artifactId?: string;
  outcome: 'ready' | 'failed';
  /** One line per failing container: `pod/container: reason: message`, then its last log lines. */
  details: string[];
  eventId: number;
};

/**
 * Reads a rollout outcome from an events-feed entry: `rollout` events whose
 * `data.phase` is `succeeded` (ready) or `failed` (with `data.errors`, the failing
 * containers with their last log lines). Other events give `undefined`.
 */
export function rolloutOutcome(
  event: ReleaseManagerEvent,
): RolloutOutcome | undefined {
  if (event.type !== 'rollout' || !event.service || !event.environment) {
    return undefined;
  }
  const data = (event.data ?? {}) as Record<string, any>;
  const phase = data.phase ?? data.rollout?.phase;
  if (phase !== 'succeeded' && phase !== 'failed') return undefined;
  const details: string[] = [];
  const errors: any[] = Array.isArray(data.errors)
    ? data.errors
    : data.rollout?.errors ?? [];
  for (const error of errors) {
    const where = [error.podName, error.container ?? error.name]
      .filter(Boolean)
      .join('/');
    details.push(
      [where, error.reason ?? error.type, error.message]
        .filter(Boolean)
        .join(': '),
    );
    const logs: string[] = Array.isArray(error.logs) ? error.logs : [];
    details.push(...logs.slice(-10).map(line => `  ${line}`));
  }
  const available = data.available ?? data.availableReplicas;
  const desired = data.desired ?? data.desiredReplicas ?? available;
  if (phase === 'succeeded' && available !== undefined) {
    details.push(`${available}/${desired} replicas ready`);
  }
  return {
    service: event.service,
    environment: event.environment,
    artifactId: event.artifactId ?? data.artifactId,
    outcome: phase === 'succeeded' ? 'ready' : 'failed',
    details,
    eventId: event.id,
  };
}

/** What {@link ReleaseNotifier} needs. */
export type ReleaseNotifierOptions = {
  /** The release manager (its events feed and status). */
  client: Pick<ReleaseManagerService, 'events' | 'status'>;
  catalog: CatalogService;
  auth: AuthService;
  notifications: NotificationService;
  /** The plugin's database, migrated by `migrateReleaseManagerDatabase`. */
  database: Knex;
  logger: LoggerService;
};

/**
 * Tells the owners of a service, through Backstage notifications, when one of its
 * releases becomes ready or fails its rollout (crash-looping pods, with their last log
 * lines), and when the release manager rolled a release back automatically (or could
 * not). Each {@link ReleaseNotifier.poll} reads the release manager's events feed
 * since the last event it handled (a cursor kept in the plugin's database, so a restart
 * neither repeats nor skips events) and sends one notification per new outcome. The
 * notification `scope` is `release-manager:<service>:<env>:<artifact>:<outcome>`, so
 * the notifications backend also folds repeats of the same outcome into one.
 */
export class ReleaseNotifier {
  constructor(private readonly options: ReleaseNotifierOptions) {}

  /**
   * Handles the events that arrived since the last poll; returns how many
   * notifications it sent. On the very first poll it only records where the feed
   * stands, so history is not replayed to owners.
   */
  async poll(): Promise<number> {
    const { client, logger } = this.options;
    const cursor = await this.readCursor();
    if (!cursor) {
      const { events } = await client.events({ limit: 1 });
      const newest = events?.[0];
      await this.writeCursor({
        lastEventId: newest?.id ?? 0,
        lastEventAt: newest?.createdAt ?? new Date(0).toISOString(),
      });
      return 0;
    }
    // `since` is a time; ask from one second before the last event and drop what we
    // have seen by id, so events sharing a timestamp are neither lost nor repeated.
    const since = new Date(
      Math.max(0, Date.parse(cursor.lastEventAt) - 1000),
    ).toISOString();
    const { events = [] } = await client.events({ since, limit: 1000 });
    const fresh = events
      .filter(e => e.id > cursor.lastEventId)
      .sort((a, b) => a.id - b.id);
    let sent = 0;
    for (const event of fresh) {
      const outcome = rolloutOutcome(event);
      const rollback = autoRollbackNotice(event);
      if (outcome || rollback) {
        try {
          if (outcome && (await this.notify(outcome))) sent += 1;
          if (rollback && (await this.notifyAutoRollback(rollback))) sent += 1;
        } catch (error) {
          logger.warn(
            `could not notify the owners of ${event.service} about event ${event.id}: ${error}`,
          );
        }
      }
      await this.writeCursor({
        lastEventId: event.id,
        lastEventAt: event.createdAt,
      });
    }
    return sent;
  }

  /** The catalog entities annotated with the release-manager service `service`. */
  private async entitiesOf(service: string): Promise<Entity[]> {
    const { catalog, auth } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const { items } = await catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${RELEASE_MANAGER_SERVICE_ANNOTATION}`]:
            service,
        },
      },
      { credentials },
    );
    return items;
  }

  private async notify(outcome: RolloutOutcome): Promise<boolean> {
    const { notifications } = this.options;
    const items = await this.entitiesOf(outcome.service);
    if (items.length === 0) return false;
    if (outcome.outcome === 'failed') {
      outcome.details = await this.failureDetails(outcome);
    }
    let sent = false;
    for (const entity of items) {
      const owners = ownerRefs(entity);
      if (owners.length === 0) continue;
      const ref = stringifyEntityRef(entity);
      const artifact = outcome.artifactId ?? 'the running artifact';
      await notifications.send({
        recipients: { type: 'entity', entityRef: owners },
        payload: {
          title:
            outcome.outcome === 'failed'
              ? `${entity.metadata.name}: release of ${artifact} to ${outcome.environment} is failing`
              : `${entity.metadata.name}: ${artifact} is ready in ${outcome.environment}`,
          description: outcome.details.join('\n') || undefined,
          link: `/catalog/${
            entity.metadata.namespace ?? 'default'
          }/${entity.kind.toLocaleLowerCase('en-US')}/${
            entity.metadata.name
          }/releases`,
          severity: outcome.outcome === 'failed' ? 'high' : 'normal',
          topic: 'release-manager',
          scope: `release-manager:${ref}:${outcome.environment}:${artifact}:${outcome.outcome}`,
        },
      });
      sent = true;
    }
    return sent;
  }

  /** Tells the owners of the service about an automatic rollback (or its failure). */
  private async notifyAutoRollback(n: AutoRollbackNotice): Promise<boolean> {
    const { notifications } = this.options;
    const items = await this.entitiesOf(n.service);
    let sent = false;
    for (const entity of items) {
      const owners = ownerRefs(entity);
      if (owners.length === 0) continue;
      const ref = stringifyEntityRef(entity);
      const { title, description } = autoRollbackNotification(
        entity.metadata.name,
        n,
      );
      await notifications.send({
        recipients: { type: 'entity', entityRef: owners },
        payload: {
          title,
          description,
          link: `/catalog/${
            entity.metadata.namespace ?? 'default'
          }/${entity.kind.toLocaleLowerCase('en-US')}/${
            entity.metadata.name
          }/releases`,
          severity: n.state === 'failed' ? 'critical' : 'high',
          topic: 'release-manager',
          scope: `release-manager:${ref}:${n.environment}:${n.failedArtifactId}:auto-rollback`,
        },
      });
      sent = true;
    }
    return sent;
  }

  /**
   * The failing containers of the environment's current rollout, with their last log
   * lines (the events feed names the containers; the status has the logs). Falls back
   * to the event's own details when the status cannot be read or moved on.
   */
  private async failureDetails(outcome: RolloutOutcome): Promise<string[]> {
    try {
      const status = await this.options.client.status(outcome.service);
      const rollout = status.environments?.find(
        e => e.name === outcome.environment,
      )?.rollout;
      if (
        !rollout ||
        rollout.errors.length === 0 ||
        (outcome.artifactId && rollout.artifactId !== outcome.artifactId)
      ) {
        return outcome.details;
      }
      const details: string[] = [];
      for (const error of rollout.errors.slice(0, 5)) {
        details.push(
          [
            [error.podName, error.container].filter(Boolean).join('/'),
            error.reason,
            error.message,
          ]
            .filter(Boolean)
            .join(': '),
        );
        details.push(...(error.logs ?? []).slice(-10).map(l => `  ${l}`));
      }
      return details;
    } catch {
      return outcome.details;
    }
  }

  private async readCursor(): Promise<Cursor | undefined> {
    const row = await this.options
      .database(TABLE)
      .where({ id: 'events' })
      .first();
    if (!row) return undefined;
    return {
      lastEventId: Number(row.last_event_id),
      lastEventAt: row.last_event_at,
    };
  }

  private async writeCursor(cursor: Cursor): Promise<void> {
    await this.options
      .database(TABLE)
      .insert({
        id: 'events',
        last_event_id: cursor.lastEventId,
        last_event_at: cursor.lastEventAt,
      })
      .onConflict('id')
      .merge();
  }
}

function ownerRefs(entity: Entity): string[] {
  const fromRelations = (entity.relations ?? [])
    .filter(r => r.type === 'ownedBy')
    .map(r => r.targetRef);
  if (fromRelations.length > 0) return fromRelations;
  const owner = (entity.spec as { owner?: string } | undefined)?.owner;
  if (!owner) return [];
  return [owner.includes(':') ? owner : `group:default/${owner}`];
}
