import { Database, NewEvent } from '../db/Database';
import { EventsResponse } from '../http/types';

/** A validated `GET /events` query. */
export interface EventsQuery {
  /** RFC 3339 time: only events at or after it. */
  since?: string;
  service?: string;
  environment?: string;
  /** At most this many, 1–1000. */
  limit: number;
}

/**
 * The events feed (`GET /events`): what happened, newest first: releases, promotions,
 * rollbacks, auto-releases, policy changes, new artifacts and rollout progress. Every
 * domain service records into it; rows live in the database (`rm_events`).
 */
export class EventFeed {
  constructor(private readonly db: Database) {}

  /** Appends an event (its time is now). */
  record(event: NewEvent): Promise<void> {
    return this.db.addEvent(event);
  }

  /** Events newest first, filtered by the query. */
  async list(query: EventsQuery): Promise<EventsResponse> {
    return { events: await this.db.events(query) };
  }
}
