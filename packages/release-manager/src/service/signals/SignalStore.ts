import { Database } from '../../db/Database';
import { ServiceSignals } from '../../http/types';

/**
 * The newest signals of each service in the release manager's database (`rm_signals`,
 * one row per service, replaced on every push).
 */
export class SignalStore {
  constructor(private readonly db: Database) {}

  /** The stored signals of `service`; undefined when none were ever pushed. */
  async get(service: string): Promise<ServiceSignals | undefined> {
    const row = await this.db
      .knex('rm_signals')
      .where({ service })
      .first('payload');
    return row ? (JSON.parse(row.payload) as ServiceSignals) : undefined;
  }

  /** Stores (inserts or replaces) the signals of `signals.service`. */
  async put(signals: ServiceSignals): Promise<void> {
    await this.db
      .knex('rm_signals')
      .insert({
        service: signals.service,
        payload: JSON.stringify(signals),
        observed_at: signals.observedAt,
        received_at: signals.receivedAt,
      })
      .onConflict('service')
      .merge();
  }
}
