import {
  auth,
  jane,
  push,
  release,
  Running,
  start,
} from '../__testUtils__/helpers';

/** The insights routes on a real server: what a release through the API shows, and 400s naming the field. */
describe('insights routes', () => {
  let rm: Running;
  beforeAll(async () => {
    rm = await start();
  }, 60_000);
  afterAll(async () => {
    await rm?.stop();
  });

  it('shows a release, a promotion and a rollback made through the API', async () => {
    const a1 = await push(rm, 'ledger', 'main', {
      application: {
        branch: 'main',
        sha: 'a'.repeat(40),
        committedAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
      },
    });
    const a2 = await push(rm, 'ledger');
    expect(
      (
        await release(rm, {
          service: 'ledger',
          environment: 'staging',
          artifactId: a1.id,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await rm
          .http()
          .post('/promote')
          .set(auth)
          .send({ service: 'ledger', environment: 'prod', ...jane })
      ).status,
    ).toBe(200);
    expect(
      (
        await release(rm, {
          service: 'ledger',
          environment: 'prod',
          artifactId: a2.id,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await rm
          .http()
          .post('/rollback')
          .set(auth)
          .send({ service: 'ledger', environment: 'prod', ...jane })
      ).status,
    ).toBe(200);

    const feed = await rm
      .http()
      .get('/insights/events?service=ledger,other&range=24h')
      .set(auth);
    expect(feed.status).toBe(200);
    expect(feed.body.events.map((e: any) => e.kind)).toEqual([
      'rollback',
      'release',
      'promote',
      'release',
    ]);

    const dora = await rm
      .http()
      .post('/insights/dora')
      .set(auth)
      .send({ services: ['ledger'], days: 30 });
    expect(dora.status).toBe(200);
    // Three prod releases; the a2 release was rolled back within the 24 h window.
    expect(dora.body.deploymentFrequency.deployments).toBe(3);
    expect(dora.body.changeFailureRate).toMatchObject({
      failed: 1,
      byCause: { rollback: 1, failedRollout: 0, incident: 0 },
    });
    // Lead time of the promoted a1 from its commit 2 h ago (a2 has no commit time, but its CI start).
    expect(dora.body.leadTime.samples).toBeGreaterThanOrEqual(1);

    const drift = await rm
      .http()
      .get('/insights/drift?service=ledger')
      .set(auth);
    expect(drift.status).toBe(200);
    expect(drift.body.services[0].environments.prod.artifactId).toBe(a1.id);
    expect(drift.body.services[0].pending).toEqual([]);
  }, 120_000);

  it.each([
    ['/insights/events', /service is required/],
    ['/insights/events?service=Bad_Name', /service: 'Bad_Name'/],
    ['/insights/events?service=a&range=month', /range must be one of/],
    ['/insights/events?service=a&zone=Mars/Base', /zone: 'Mars\/Base'/],
    ['/insights/events?service=a&since=yesterday', /since must be/],
    ['/insights/events?service=a&limit=0', /limit must be/],
    ['/insights/drift?service=a&to=qa', /to: unknown environment 'qa'/],
  ])('GET %s is a 400 naming the field', async (url, message) => {
    const res = await rm.http().get(url).set(auth);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it.each([
    [{}, /services/],
    [{ services: [] }, /services/],
    [{ services: ['a'], days: 0 }, /days/],
    [{ services: ['a'], failureWindowHours: 0 }, /failureWindowHours/],
    [
      {
        services: ['a'],
        incidents: [{ service: 'a', openedAt: 'x', urgency: 'high' }],
      },
      /openedAt/,
    ],
  ])(
    'POST /insights/dora %j is a 400 naming the field',
    async (body, message) => {
      const res = await rm.http().post('/insights/dora').set(auth).send(body);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(message);
    },
  );

  it('needs the token', async () => {
    expect((await rm.http().get('/insights/drift?service=a')).status).toBe(401);
  });
});
