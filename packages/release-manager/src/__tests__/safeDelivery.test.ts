import {
  auth,
  jane,
  push,
  release,
  Running,
  start,
} from '../__testUtils__/helpers';
import { GateService } from '../service/gates/GateService';
import { headContext } from '../service/gates/headContext';

const hour = 3_600_000;
const activeNow = (reason: string) => ({
  from: new Date(Date.now() - 60_000).toISOString(),
  to: new Date(Date.now() + hour).toISOString(),
  reason,
});
const signals = (
  light: 'green' | 'amber' | 'red',
  incidents: Array<{ id: string; title: string; urgency: 'high' | 'low' }> = [],
) => ({
  health: { light, reason: `${light} for the test` },
  incidents,
  observedAt: new Date().toISOString(),
  source: 'test',
});

describe('freeze windows and break glass', () => {
  let rm: Running;
  beforeAll(async () => {
    rm = await start({
      freezeWindows: [
        {
          id: 'year-end',
          environment: 'staging',
          ...activeNow('Year-end freeze'),
        },
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await rm?.stop();
  });

  const addFreeze = (body: Record<string, unknown>) =>
    rm
      .http()
      .post('/freezes')
      .set(auth)
      .send({ service: 'ledger', environment: 'prod', ...jane, ...body });

  it('refuses a release into a frozen environment (409 naming the window), allows rollbacks, and lets an owner break glass', async () => {
    const a1 = await push(rm, 'ledger');
    const a2 = await push(rm, 'ledger');
    const a3 = await push(rm, 'ledger');
    for (const a of [a1, a2]) {
      expect(
        (
          await release(rm, {
            service: 'ledger',
            environment: 'prod',
            artifactId: a.id,
          })
        ).status,
      ).toBe(200);
    }
    const added = await addFreeze(activeNow('Black Friday'));
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      service: 'ledger',
      environment: 'prod',
      reason: 'Black Friday',
      active: true,
      createdByName: 'Jane Doe',
    });
    expect(rm.git('log', '-1', '--format=%s', 'main').trim()).toMatch(
      /^\[freezes\/ledger\] add freeze window freeze-[0-9a-f]{8} on prod/,
    );

    // Lunar's route: refused, naming the window, its end and its reason.
    const refused = await release(rm, {
      service: 'ledger',
      environment: 'prod',
      artifactId: a3.id,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(
      new RegExp(
        `^prod is frozen until \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\(Black Friday; freeze window '${added.body.id}'\\)`,
      ),
    );
    // Lunar's route keeps its body: breakGlass is no field of it, and ignored.
    const lunar = await release(rm, {
      service: 'ledger',
      environment: 'prod',
      artifactId: a3.id,
      breakGlass: { reason: 'not here' },
    });
    expect(lunar.status).toBe(409);

    // Other intents are refused alike.
    const branch = await release(rm, {
      service: 'ledger',
      environment: 'prod',
      intent: { type: 'ReleaseBranch', releaseBranch: { branch: 'main' } },
    });
    expect(branch.status).toBe(409);
    expect(branch.body.message).toContain(`cannot release ${a3.id} of ledger`);

    // A rollback during the freeze goes through.
    const rollback = await rm
      .http()
      .post('/rollback')
      .set(auth)
      .send({ service: 'ledger', environment: 'prod', ...jane });
    expect(rollback.status).toBe(200);
    expect(rollback.body).toMatchObject({
      previousArtifactId: a2.id,
      newArtifactId: a1.id,
    });

    // Break glass: released, with the reason in the commit's trailers, the feed and the history.
    const broke = await rm
      .http()
      .post('/releases')
      .set(auth)
      .send({
        service: 'ledger',
        environment: 'prod',
        artifactId: a3.id,
        ...jane,
        breakGlass: { reason: 'Hotfix for INC-42: payments failing' },
      });
    expect(broke.status).toBe(200);
    expect(broke.body).toMatchObject({
      releaseId: a3.id,
      status: '',
      brokeFreeze: { kind: 'window', reason: 'Black Friday' },
    });
    const message = rm.git('log', '-1', '--format=%B', broke.body.commit);
    expect(message).toContain(
      'Slipway-Break-Glass: Hotfix for INC-42: payments failing',
    );
    expect(message).toContain(`Slipway-Broken-Freeze: ${added.body.id}`);
    expect(message).toContain('Released-By: Jane Doe <jane@example.com>');

    const events = await rm.http().get('/events?service=ledger').set(auth);
    const glass = events.body.events.find((e: any) => e.type === 'break-glass');
    expect(glass).toMatchObject({
      environment: 'prod',
      artifactId: a3.id,
      actorName: 'Jane Doe',
      data: { reason: 'Hotfix for INC-42: payments failing' },
    });
    expect(glass.message).toContain('broke glass');

    const history = await rm
      .http()
      .get('/describe/release/ledger/prod?count=5')
      .set(auth);
    expect(history.body.releases[0]).toMatchObject({
      intent: 'ReleaseArtifact',
      breakGlassReason: 'Hotfix for INC-42: payments failing',
    });
    expect(history.body.releases[1].breakGlassReason).toBeUndefined();

    // Removing the window opens prod again.
    const removed = await rm
      .http()
      .delete('/freezes')
      .set(auth)
      .send({ service: 'ledger', id: added.body.id, ...jane });
    expect(removed.body).toEqual({ service: 'ledger', id: added.body.id });
    expect(
      (
        await release(rm, {
          service: 'ledger',
          environment: 'prod',
          artifactId: a2.id,
        })
      ).status,
    ).toBe(200);
  }, 120_000);

  it('lists global windows from the config, which cannot be removed', async () => {
    const list = await rm.http().get('/freezes?service=ledger').set(auth);
    expect(list.status).toBe(200);
    expect(list.body.freezeWindows).toEqual([
      expect.objectContaining({
        id: 'year-end',
        global: true,
        environment: 'staging',
        active: true,
      }),
    ]);
    const a = await push(rm, 'ledger');
    const refused = await release(rm, {
      service: 'ledger',
      environment: 'staging',
      artifactId: a.id,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain(
      "(Year-end freeze; freeze window 'year-end')",
    );
    const del = await rm
      .http()
      .delete('/freezes')
      .set(auth)
      .send({ service: 'ledger', id: 'year-end', ...jane });
    expect(del.status).toBe(400);
    expect(del.body.message).toContain('global window');
  }, 60_000);

  it('freezes prod while a high-urgency incident is open (incident freeze policy), and lifts it when resolved', async () => {
    const a = await push(rm, 'ledger');
    const policy = await rm
      .http()
      .put('/freezes/incident-policy')
      .set(auth)
      .send({ service: 'ledger', enabled: true, ...jane });
    expect(policy.body).toEqual({
      service: 'ledger',
      incidentFreeze: { environment: 'prod', enabled: true },
    });
    await rm
      .http()
      .put('/webhook/signals/ledger')
      .set(auth)
      .send(
        signals('red', [
          { id: 'pd:Q7', title: 'Checkout down', urgency: 'high' },
        ]),
      );
    const refused = await release(rm, {
      service: 'ledger',
      environment: 'prod',
      artifactId: a.id,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(
      /^prod is frozen until incident 'Checkout down' \(pd:Q7\) is resolved \(incident freeze policy of ledger\)/,
    );
    // A low-urgency incident does not freeze.
    await rm
      .http()
      .put('/webhook/signals/ledger')
      .set(auth)
      .send(signals('amber', [{ id: 'pd:Q8', title: 'Slow', urgency: 'low' }]));
    expect(
      (
        await release(rm, {
          service: 'ledger',
          environment: 'prod',
          artifactId: a.id,
        })
      ).status,
    ).toBe(200);
  }, 60_000);

  it('answers bad input with a 400 naming the field', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [
        {
          reason: 'x',
          rrule: 'FREQ=FORTNIGHTLY',
          timeZone: 'UTC',
          durationMinutes: 60,
        },
        /rrule is not an RFC 5545 recurrence rule/,
      ],
      [
        {
          reason: 'x',
          rrule: 'FREQ=DAILY',
          timeZone: 'Europe/Atlantis',
          durationMinutes: 60,
        },
        /timeZone must be an IANA time zone/,
      ],
      [{ ...activeNow('x'), reason: '' }, /reason must not be empty/],
      [
        { ...activeNow('x'), from: 'tomorrow' },
        /from must be an ISO 8601 time/,
      ],
      [
        { ...activeNow('x'), environment: 'moon' },
        /unknown environment 'moon'/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await addFreeze(body);
      expect([400, 404]).toContain(res.status);
      expect(res.body.message).toMatch(message);
    }
    const empty = await rm
      .http()
      .post('/releases')
      .set(auth)
      .send({
        service: 'ledger',
        environment: 'prod',
        artifactId: (await push(rm, 'ledger')).id,
        ...jane,
        breakGlass: { reason: '   ' },
      });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toContain('breakGlass.reason must not be empty');
    const gates = await rm
      .http()
      .get('/gates?service=ledger&environment=prod&intent=Sideways')
      .set(auth);
    expect(gates.status).toBe(400);
    expect(gates.body.message).toContain('intent must be one of');
  }, 60_000);
});

describe('promotion gates', () => {
  let rm: Running;
  beforeAll(async () => {
    rm = await start({
      promotionGates: { prod: { soakMinutes: 30 } },
      signals: { staleAfterSeconds: 300 },
    });
  }, 60_000);
  afterAll(async () => {
    await rm?.stop();
  });

  const gates = async (q = 'service=cart&environment=prod&intent=Promote') => {
    const res = await rm.http().get(`/gates?${q}`).set(auth);
    expect(res.status).toBe(200);
    return res.body;
  };
  const outcome = (body: any) =>
    Object.fromEntries(body.gates.map((g: any) => [g.id, g.outcome]));
  const deploy = (artifactId: string, available: number) =>
    rm.http().post('/webhook/daemon/k8s/deploy').set(auth).send({
      name: 'cart',
      namespace: 'payments',
      resourceType: 'Deployment',
      availablePods: available,
      replicas: 2,
      artifactId,
      environment: 'staging',
    });

  it('evaluates every gate, refuses a failing one (409 naming it) and lets an owner override with a reason', async () => {
    const a = await push(rm, 'cart');
    expect(
      (
        await release(rm, {
          service: 'cart',
          environment: 'staging',
          artifactId: a.id,
        })
      ).status,
    ).toBe(200);
    // staging has no gates.
    expect(outcome(await gates('service=cart&environment=staging'))).toEqual({
      'rollout-ready': 'skipped',
      health: 'skipped',
      incidents: 'skipped',
      soak: 'skipped',
    });

    // Nothing reported yet: every prod gate fails, health and incidents closed for want of signals.
    let g = await gates();
    expect(g).toMatchObject({
      artifactId: a.id,
      fromEnvironment: 'staging',
      settings: {
        rolloutReady: true,
        health: true,
        incidents: true,
        soakMinutes: 30,
      },
      allowed: false,
    });
    expect(outcome(g)).toEqual({
      'rollout-ready': 'failed',
      health: 'failed',
      incidents: 'failed',
      soak: 'failed',
    });
    expect(g.gates[0].message).toBe(
      `${a.id} no rollout reported from staging yet`,
    );
    expect(g.gates[1].message).toBe('no health signal received for cart');

    // Rollout ready: only when every replica is.
    await deploy(a.id, 1);
    expect((await gates()).gates[0]).toMatchObject({
      outcome: 'failed',
      message: `${a.id} still rolling out in staging (1/2 ready)`,
    });
    await deploy(a.id, 2);
    expect((await gates()).gates[0]).toMatchObject({
      outcome: 'passed',
      message: `${a.id} rolled out in staging (2/2 ready)`,
    });

    // Health: red fails, amber passes; incidents: high fails, low passes.
    const put = (body: object) =>
      rm.http().put('/webhook/signals/cart').set(auth).send(body);
    await put(
      signals('red', [{ id: 'pd:1', title: 'Carts lost', urgency: 'high' }]),
    );
    g = await gates();
    expect(g.gates[1]).toMatchObject({
      outcome: 'failed',
      message: 'cart is red: red for the test',
    });
    expect(g.gates[2]).toMatchObject({
      outcome: 'failed',
      message: "high-urgency incident open on cart: 'Carts lost' (pd:1)",
    });
    await put(
      signals('amber', [{ id: 'pd:2', title: 'Slow', urgency: 'low' }]),
    );
    g = await gates();
    expect(outcome(g)).toEqual({
      'rollout-ready': 'passed',
      health: 'passed',
      incidents: 'passed',
      soak: 'failed',
    });
    expect(g.gates[2].message).toBe(
      'no high-urgency incident open (1 low-urgency)',
    );
    expect(g.gates[3].message).toBe(
      `${a.id} has run in staging for 0 min (30 min required)`,
    );

    // The promotion is refused, naming the failing gate.
    const refused = await rm
      .http()
      .post('/promote')
      .set(auth)
      .send({ service: 'cart', environment: 'prod', ...jane });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe(
      `cannot release ${a.id} of cart to prod: promotion gate failed: Soak time (soak): ${a.id} has run in staging for 0 min (30 min required)`,
    );

    // An owner overrides: released, audited like break glass.
    const overridden = await rm
      .http()
      .post('/releases')
      .set(auth)
      .send({
        service: 'cart',
        environment: 'prod',
        ...jane,
        intent: { type: 'Promote' },
        overrideGates: { reason: 'Security fix, soak waived by the owner' },
      });
    expect(overridden.status).toBe(200);
    expect(overridden.body.overriddenGates).toEqual([
      expect.objectContaining({ id: 'soak', outcome: 'failed' }),
    ]);
    const message = rm.git('log', '-1', '--format=%B', overridden.body.commit);
    expect(message).toContain(
      'Slipway-Gate-Override: Security fix, soak waived by the owner',
    );
    expect(message).toContain('Slipway-Overridden-Gates: soak');
    expect(message).toContain('Intent: Promote');
    const events = await rm.http().get('/events?service=cart').set(auth);
    expect(
      events.body.events.find((e: any) => e.type === 'gate-override'),
    ).toMatchObject({
      environment: 'prod',
      data: { reason: 'Security fix, soak waived by the owner' },
    });
    const history = await rm
      .http()
      .get('/describe/release/cart/prod')
      .set(auth);
    expect(history.body.releases[0].gateOverrideReason).toBe(
      'Security fix, soak waived by the owner',
    );
  }, 120_000);

  it('passes the soak gate once the artifact has run long enough, and fails closed on stale signals', async () => {
    const a = await push(rm, 'cart');
    await release(rm, {
      service: 'cart',
      environment: 'staging',
      artifactId: a.id,
    });
    const settings = rm.config.promotionGates.prod;
    const later = (minutes: number) =>
      new GateService(
        () => settings,
        () => rm.config.environments,
        rm.manager.repo,
        rm.manager.rollouts,
        rm.manager.signals,
        () => Date.now() + minutes * 60_000,
      );
    const subject = {
      service: 'cart',
      environment: 'prod',
      intent: 'Promote' as const,
      artifactId: a.id,
    };
    const soak = async (minutes: number) =>
      (
        await later(minutes).evaluate(subject, headContext(rm.manager.repo))
      ).find(r => r.id === 'soak');
    expect(await soak(29)).toMatchObject({ outcome: 'failed' });
    expect(await soak(31)).toMatchObject({
      outcome: 'passed',
      message: `${a.id} has run in staging for 31 min (30 min required)`,
    });

    await rm
      .http()
      .put('/webhook/signals/cart')
      .set(auth)
      .send({
        ...signals('green'),
        observedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
      });
    const g = await gates();
    // A push older than the stored one is ignored (cart stays fresh); basket's only push is stale.
    expect(g.gates[1].outcome).toBe('passed');
    const b = await push(rm, 'basket');
    await release(rm, {
      service: 'basket',
      environment: 'staging',
      artifactId: b.id,
    });
    await rm
      .http()
      .put('/webhook/signals/basket')
      .set(auth)
      .send({
        ...signals('green'),
        observedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
      });
    const stale = await gates('service=basket&environment=prod');
    expect(stale.gates[1]).toMatchObject({ outcome: 'failed' });
    expect(stale.gates[1].message).toMatch(/^no health signal for 10 min/);
    expect(stale.gates[2].message).toMatch(/^no health signal for 10 min/);
  }, 120_000);

  it('does not gate rollbacks', async () => {
    const g = await gates('service=cart&environment=prod&intent=Rollback');
    expect(g.gates.every((r: any) => r.outcome === 'skipped')).toBe(true);
    const rollback = await rm
      .http()
      .post('/rollback')
      .set(auth)
      .send({ service: 'cart', environment: 'prod', ...jane });
    expect(rollback.status).toBe(400); // only one release in prod: nothing earlier, not a gate
    expect(rollback.body.message).toContain('no earlier release');
  }, 60_000);
});
