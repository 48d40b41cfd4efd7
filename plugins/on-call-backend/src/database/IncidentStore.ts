import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  Incident,
  IncidentStatus,
  IncidentUrgency,
} from '@slipway/plugin-on-call-common';

interface IncidentRow {
  id: string;
  entity_ref: string;
  title: string;
  description: string | null;
  urgency: IncidentUrgency;
  status: IncidentStatus;
  triggered_by: string;
  created_at: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
}

const TABLE = 'on_call_incidents';

function toIncident(row: IncidentRow): Incident {
  return {
    id: row.id,
    provider: 'embedded',
    title: row.title,
    description: row.description ?? undefined,
    status: row.status,
    urgency: row.urgency,
    entityRef: row.entity_ref,
    createdAt: row.created_at,
    triggeredBy: row.triggered_by,
    acknowledgedBy: row.acknowledged_by ?? undefined,
    acknowledgedAt: row.acknowledged_at ?? undefined,
    resolvedBy: row.resolved_by ?? undefined,
    resolvedAt: row.resolved_at ?? undefined,
    canUpdate: row.status !== 'resolved',
  };
}

/**
 * The embedded provider's incidents, in the plugin's database (table
 * `on_call_incidents`, see migrations/). Status changes are single conditional UPDATEs,
 * so two people acknowledging or resolving at once cannot both win.
 */
export class IncidentStore {
  constructor(
    private readonly db: Knex,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates a triggered incident; returns it. */
  async create(input: {
    entityRef: string;
    title: string;
    description?: string;
    urgency: IncidentUrgency;
    triggeredBy: string;
  }): Promise<Incident> {
    const row: IncidentRow = {
      id: randomUUID(),
      entity_ref: input.entityRef,
      title: input.title,
      description: input.description ?? null,
      urgency: input.urgency,
      status: 'triggered',
      triggered_by: input.triggeredBy,
      created_at: this.now().toISOString(),
      acknowledged_by: null,
      acknowledged_at: null,
      resolved_by: null,
      resolved_at: null,
    };
    await this.db<IncidentRow>(TABLE).insert(row);
    return toIncident(row);
  }

  /** The incident, or undefined. */
  async get(id: string): Promise<Incident | undefined> {
    const row = await this.db<IncidentRow>(TABLE).where({ id }).first();
    return row ? toIncident(row) : undefined;
  }

  /** Open (triggered or acknowledged) incidents of an entity, newest first, at most `limit`. */
  async listOpen(entityRef: string, limit = 100): Promise<Incident[]> {
    const rows = await this.db<IncidentRow>(TABLE)
      .where({ entity_ref: entityRef })
      .whereIn('status', ['triggered', 'acknowledged'])
      .orderBy('created_at', 'desc')
      .limit(limit);
    return rows.map(toIncident);
  }

  /**
   * Marks a triggered incident acknowledged by `user`.
   *
   * @throws NotFoundError when there is no such incident; ConflictError when it is
   * already acknowledged or resolved (naming by whom).
   */
  async acknowledge(id: string, user: string): Promise<Incident> {
    const updated = await this.db<IncidentRow>(TABLE)
      .where({ id, status: 'triggered' })
      .update({
        status: 'acknowledged',
        acknowledged_by: user,
        acknowledged_at: this.now().toISOString(),
      });
    return this.afterUpdate(id, updated, 'acknowledge');
  }

  /**
   * Marks an open incident resolved by `user`.
   *
   * @throws NotFoundError when there is no such incident; ConflictError when it is
   * already resolved.
   */
  async resolve(id: string, user: string): Promise<Incident> {
    const updated = await this.db<IncidentRow>(TABLE)
      .where({ id })
      .whereIn('status', ['triggered', 'acknowledged'])
      .update({
        status: 'resolved',
        resolved_by: user,
        resolved_at: this.now().toISOString(),
      });
    return this.afterUpdate(id, updated, 'resolve');
  }

  private async afterUpdate(
    id: string,
    updated: number,
    verb: string,
  ): Promise<Incident> {
    const incident = await this.get(id);
    if (!incident) throw new NotFoundError(`No incident ${id}`);
    if (updated === 0) {
      const by =
        incident.status === 'resolved'
          ? ` by ${incident.resolvedBy} at ${incident.resolvedAt}`
          : ` by ${incident.acknowledgedBy} at ${incident.acknowledgedAt}`;
      throw new ConflictError(
        `Cannot ${verb} incident ${id}: it is already ${incident.status}${by}`,
      );
    }
    return incident;
  }
}
