/**
 * The Slipway on-call backend plugin: who is on call for a service (embedded schedules,
 * PagerDuty, Opsgenie) and its incidents.
 *
 * @packageDocumentation
 */
export { onCallPlugin as default } from './plugin';
export type {
  OnCallProvider,
  IncidentActor,
  PeopleResolver,
} from './providers/types';
