export interface Config {
  /** Configuration of the Slipway on-call plugin (`@slipway/plugin-on-call-backend`). */
  onCall?: {
    /**
     * Which provider answers for entities that carry annotations of more than one
     * provider, and the one the docs treat as the portal's main provider. Entities are
     * otherwise served by the provider whose annotation they carry. Default: `embedded`.
     */
    provider?: 'embedded' | 'pagerduty' | 'opsgenie';

    /**
     * Embedded schedules (the default provider). An entity points at one with the
     * `slipway.dev/on-call-schedule: <id>` annotation.
     */
    schedules?: Array<{
      /** Schedule id, referenced by the entity annotation (e.g. `payments`). */
      id: string;
      /** Display name (default: the id). */
      name?: string;
      /** IANA time zone in which hand-off times are read, e.g. `Europe/Copenhagen`. */
      timeZone: string;
      /** Escalation levels, level 1 (paged first) first. */
      levels: Array<{
        /** Name of this level's rotation, e.g. `Primary`. */
        name?: string;
        /** User entity refs in rotation order, e.g. `user:default/astrid.nilsson`. */
        members: string[];
        /** Local date (`YYYY-MM-DD`, in `timeZone`) of the first hand-off. */
        startDate: string;
        /** Local wall-clock hand-off time `HH:mm` in `timeZone` (default `09:00`). */
        handoffTime?: string;
        /**
         * Length of one person's shift as an ISO 8601 duration (`P1W`, `P1D`, `PT12H`) or
         * a number of days. Day and week lengths keep the wall-clock hand-off time across
         * daylight-saving changes. Default `P1W`.
         */
        rotationLength?: string | number;
      }>;
      /** Temporary replacements of the rotation (holidays, swaps). */
      overrides?: Array<{
        /** User entity ref of who is on call instead. */
        user: string;
        /** Start, ISO 8601; without an offset it is read in the schedule's time zone. */
        start: string;
        /** End (exclusive), ISO 8601; without an offset read in the schedule's time zone. */
        end: string;
        /** Escalation level the override replaces (default 1). */
        level?: number;
      }>;
    }>;

    /** PagerDuty provider; enabled when `token` is set. */
    pagerDuty?: {
      /**
       * REST API v2 token, sent as `Authorization: Token token=<token>`.
       * @visibility secret
       */
      token: string;
      /** REST API base URL. Default `https://api.pagerduty.com` (EU: `https://api.eu.pagerduty.com`). */
      apiBaseUrl?: string;
      /** Events API v2 base URL. Default `https://events.pagerduty.com` (EU: `https://events.eu.pagerduty.com`). */
      eventsBaseUrl?: string;
    };

    /** Opsgenie provider; enabled when `apiKey` is set. */
    opsgenie?: {
      /**
       * API key of an API integration, sent as `Authorization: GenieKey <key>`.
       * @visibility secret
       */
      apiKey: string;
      /** API base URL. Default `https://api.opsgenie.com` (EU: `https://api.eu.opsgenie.com`). */
      apiBaseUrl?: string;
      /** Web UI base URL for links, e.g. `https://acme.app.opsgenie.com`. */
      webBaseUrl?: string;
    };

    /**
     * How often a rate-limited (HTTP 429) provider request is retried after waiting for
     * its `Retry-After`; default 2. Waits longer than 10 seconds are not made.
     */
    maxRetries?: number;
  };
}
