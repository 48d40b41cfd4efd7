import { ServiceSignals } from '../../http/types';

/**
 * A change of a service's signals: its health light (overall or of an environment)
 * or the set of its open incidents differs from what was stored before.
 */
export interface SignalChange {
  service: string;
  /** What was stored before; undefined for the first push of the service. */
  previous?: ServiceSignals;
  /** What is stored now. */
  current: ServiceSignals;
}

/**
 * Called after a change is stored. May be async; `SignalService.put` waits for every
 * listener (so a webhook answers after they ran) and logs, never throws, their errors.
 */
export type SignalListener = (change: SignalChange) => void | Promise<void>;

/**
 * The signals of a service as the gates judge them: fresh ones, or why there are none
 * to trust (`problem`, e.g. `no health signal for 6 min`).
 */
export interface SignalReading {
  /** The stored signals (also when stale). */
  signals?: ServiceSignals;
  /** Minutes since the signals were observed. */
  ageMinutes?: number;
  /** Set when the signals are missing or older than the staleness limit: gates fail closed. */
  problem?: string;
}
