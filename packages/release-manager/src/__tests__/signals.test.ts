import { auth, Running, start } from '../__testUtils__/helpers';
import { SignalChange } from '../service/signals';

const green = (observedAt = new Date().toISOString()) => ({
  health: { light: 'green', reason: 'all signals green' },
  incidents: [],
  observedAt,
  source: 'backstage',
});

describe('signals webhook and SignalService', () => {
  let rm: Running;

  beforeAll(async () => {
    rm = await start({ signals: { staleAfterSeconds: 300 } });
  }, 60_000);

  afterAll(async () => {
    await rm?.stop();
  });

  it('stores pushed signals, tells changes to listeners and the feed, not repeats', async () => {
    const changes: SignalChange[] = [];
    const off = rm.manager.signals.onChange(c => {
      changes.push(c);
    });
    const put = (body: object) =>
      rm.http().put('/webhook/signals/ledger').set(auth).send(body);

    const t0 = new Date(Date.now() - 60_000).toISOString();
    const first = await put(green(t0));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      service: 'ledger',
      health: { light: 'green' },
      incidents: [],
    });
    expect(changes).toHaveLength(1);
    expect(changes[0].previous).toBeUndefined();

    // The same lights again: stored (newer observedAt), no change.
    expect((await put(green())).status).toBe(200);
    expect(changes).toHaveLength(1);

    const red = await put({
      health: { light: 'red', reason: 'error ratio 8 % > 5 %' },
      incidents: [
        {
          id: 'pagerduty:Q1',
          title: 'Payments failing',
          urgency: 'high',
          url: 'https://pd.example.com/incidents/Q1',
        },
      ],
      observedAt: new Date().toISOString(),
    });
    expect(red.status).toBe(200);
    expect(changes).toHaveLength(2);
    expect(changes[1].previous?.health.light).toBe('green');
    expect(changes[1].current.health.light).toBe('red');

    const got = await rm.http().get('/signals/ledger').set(auth);
    expect(got.body.health).toEqual({
      light: 'red',
      reason: 'error ratio 8 % > 5 %',
    });
    const events = await rm.http().get('/events?service=ledger').set(auth);
    const sig = events.body.events.filter((e: any) => e.type === 'signals');
    expect(sig).toHaveLength(2);
    expect(sig[0].message).toContain('green → red');
    expect(sig[0].message).toContain(
      'high-urgency incident open: Payments failing',
    );
    off();
  }, 60_000);

  it('ignores a push older than the stored one', async () => {
    const old = new Date(Date.now() - 3_600_000).toISOString();
    const res = await rm
      .http()
      .put('/webhook/signals/ledger')
      .set(auth)
      .send(green(old));
    expect(res.body.health.light).toBe('red');
  }, 60_000);

  it('reads stale and missing signals as problems (gates fail closed)', async () => {
    const stale = new Date(Date.now() - 6 * 60_000).toISOString();
    await rm
      .http()
      .put('/webhook/signals/billing')
      .set(auth)
      .send(green(stale));
    const reading = await rm.manager.signals.read('billing');
    expect(reading.problem).toMatch(/^no health signal for 6 min/);
    expect((await rm.manager.signals.read('nobody')).problem).toBe(
      'no health signal received for nobody',
    );
  }, 60_000);

  it('answers bad input with a 400 naming the field', async () => {
    const put = (body: object) =>
      rm.http().put('/webhook/signals/ledger').set(auth).send(body);
    const bad = await put({ ...green(), health: { light: 'purple' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/light/);
    const time = await put({ ...green(), observedAt: 'yesterday' });
    expect(time.status).toBe(400);
    expect(time.body.message).toMatch(/observedAt must be an RFC 3339 time/);
    const env = await put({
      ...green(),
      environments: { moon: { light: 'green' } },
    });
    expect(env.status).toBe(404);
    expect(env.body.message).toMatch(/unknown environment 'moon'/);
    const unauth = await rm.http().put('/webhook/signals/ledger').send(green());
    expect(unauth.status).toBe(401);
  }, 60_000);
});
