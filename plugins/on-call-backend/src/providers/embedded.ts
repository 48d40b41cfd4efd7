import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  EntityOnCall,
  Incident,
  ON_CALL_SCHEDULE_ANNOTATION,
  OnCallPerson,
  OnCallShift,
  TriggerIncidentRequest,
  TriggerIncidentResult,
} from '@slipway/plugin-on-call-common';
import { DateTime } from 'luxon';
import { IncidentStore } from '../database/IncidentStore';
import { ComputedShift, computeOnCall, Schedule } from '../schedule/schedule';
import { IncidentActor, OnCallProvider, PeopleResolver } from './types';

/**
 * The embedded default: schedules from `onCall.schedules` (see config.d.ts), incidents in
 * the portal's database. Entities map by `slipway.dev/on-call-schedule: <schedule id>`.
 */
export class EmbeddedProvider implements OnCallProvider {
  readonly id = 'embedded' as const;
  private readonly schedules: Map<string, Schedule>;

  constructor(
    private readonly options: {
      schedules: Schedule[];
      incidents: IncidentStore;
      people: PeopleResolver;
      now?: () => DateTime;
    },
  ) {
    this.schedules = new Map(options.schedules.map(s => [s.id, s]));
  }

  /** The schedule the entity's annotation names. @throws InputError / NotFoundError */
  scheduleFor(entity: Entity): Schedule {
    const id = entity.metadata.annotations?.[ON_CALL_SCHEDULE_ANNOTATION];
    if (!id) {
      throw new InputError(
        `${stringifyEntityRef(
          entity,
        )} has no ${ON_CALL_SCHEDULE_ANNOTATION} annotation`,
      );
    }
    const schedule = this.schedules.get(id);
    if (!schedule) {
      throw new NotFoundError(
        `No on-call schedule '${id}' (from the ${ON_CALL_SCHEDULE_ANNOTATION} annotation of ${stringifyEntityRef(
          entity,
        )}); define it under onCall.schedules in app-config`,
      );
    }
    return schedule;
  }

  async getOnCall(entity: Entity): Promise<EntityOnCall> {
    const schedule = this.scheduleFor(entity);
    const now = this.options.now?.() ?? DateTime.now();
    const levels = computeOnCall(schedule, now);
    const refs = levels
      .flatMap(l => [l.now.user, l.next?.user])
      .filter((r): r is string => !!r);
    const people = await this.options.people.resolve([...new Set(refs)]);
    const shift = (s: ComputedShift | undefined): OnCallShift[] =>
      s?.user
        ? [
            {
              person: people.get(s.user) ?? { ref: s.user, name: s.user },
              start: s.start?.toISO() ?? undefined,
              end: s.end?.toISO() ?? undefined,
              override: s.override || undefined,
            },
          ]
        : [];
    return {
      provider: 'embedded',
      schedule: {
        id: schedule.id,
        name: schedule.name,
        timeZone: schedule.timeZone,
      },
      levels: levels.map(l => ({
        level: l.level,
        name: l.name,
        now: shift(l.now),
        next: shift(l.next),
      })),
    };
  }

  async listIncidents(entity: Entity): Promise<Incident[]> {
    return this.options.incidents.listOpen(stringifyEntityRef(entity));
  }

  async triggerIncident(
    entity: Entity,
    request: TriggerIncidentRequest,
    actor: IncidentActor,
  ): Promise<TriggerIncidentResult> {
    // The entity must point at a real schedule: an incident nobody is paged for is useless.
    const schedule = this.scheduleFor(entity);
    const incident = await this.options.incidents.create({
      entityRef: stringifyEntityRef(entity),
      title: request.title,
      description: request.description,
      urgency: request.urgency,
      triggeredBy: actor.userEntityRef,
    });
    const [first] = computeOnCall(
      schedule,
      this.options.now?.() ?? DateTime.now(),
    );
    let who: OnCallPerson | undefined;
    if (first?.now.user) {
      who = (await this.options.people.resolve([first.now.user])).get(
        first.now.user,
      );
    }
    return {
      incident,
      message: who
        ? `Incident triggered; ${who.name} is on call (level 1).`
        : 'Incident triggered; nobody is on call at level 1 right now.',
    };
  }
}
