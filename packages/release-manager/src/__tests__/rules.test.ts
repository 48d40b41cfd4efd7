import {
  auth,
  jane,
  push,
  release,
  Running,
  start,
} from '../__testUtils__/helpers';

/**
 * The server applies the one rule set of `@slipway/plugin-release-manager-common/rules`
 * (the rules themselves are pinned by that package's tests): these check that the
 * server's answers follow it where the server's old copies disagreed.
 */
describe('release manager: the rule set of release-manager-common', () => {
  let rm: Running;
  beforeAll(async () => {
    rm = await start();
  });
  afterAll(async () => {
    await rm.stop();
  });

  it('matches branch restrictions against the whole name: `a|ab` allows `ab`, not `abc`', async () => {
    const ab = await push(rm, 'svc-alt', 'ab');
    const abc = await push(rm, 'svc-alt', 'abc');
    const policy = await rm
      .http()
      .patch('/policies/branch-restriction')
      .set(auth)
      .send({
        service: 'svc-alt',
        environment: 'dev',
        branchRegex: 'a|ab',
        ...jane,
      });
    expect(policy.status).toBe(201);
    const ok = await release(rm, {
      service: 'svc-alt',
      environment: 'dev',
      artifactId: ab.id,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.commit).toMatch(/^[0-9a-f]{40}$/);
    const refused = await release(rm, {
      service: 'svc-alt',
      environment: 'dev',
      artifactId: abc.id,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain("branch 'abc' does not match a|ab");
    // Auto-release of `ab` into dev agrees with the restriction.
    const auto = await rm
      .http()
      .patch('/policies/auto-release')
      .set(auth)
      .send({ service: 'svc-alt', branch: 'ab', environment: 'dev', ...jane });
    expect(auto.status).toBe(201);
  });

  it('counts vulnerabilities of the snyk-code and snyk-docker stages only', async () => {
    const a = await push(rm, 'svc-vuln', 'main', {
      stages: [
        {
          id: 'snyk-code',
          data: { vulnerabilities: { high: 1, medium: 2, low: 3 } },
        },
        {
          id: 'snyk-docker',
          data: { vulnerabilities: { high: 10, medium: 20, low: 30 } },
        },
        {
          id: 'snyk-iac',
          data: { vulnerabilities: { high: 100, medium: 100, low: 100 } },
        },
      ],
    });
    const b = await push(rm, 'svc-vuln', 'main', { stages: [] });
    await release(rm, {
      service: 'svc-vuln',
      environment: 'dev',
      artifactId: a.id,
    });
    await release(rm, {
      service: 'svc-vuln',
      environment: 'staging',
      artifactId: b.id,
    });
    const st = await rm.http().get('/status?service=svc-vuln').set(auth);
    expect(st.body.dev).toMatchObject({
      highVulnerabilities: 11,
      mediumVulnerabilities: 22,
      lowVulnerabilities: 33,
    });
    // Not scanned: 0 in the Lunar-compatible numbers.
    expect(st.body.staging).toMatchObject({
      highVulnerabilities: 0,
      mediumVulnerabilities: 0,
      lowVulnerabilities: 0,
    });
  });

  it('promotes from the environment before, in the configured order', async () => {
    const a = await push(rm, 'svc-order');
    await release(rm, {
      service: 'svc-order',
      environment: 'dev',
      artifactId: a.id,
    });
    const first = await rm
      .http()
      .post('/promote')
      .set(auth)
      .send({ service: 'svc-order', environment: 'dev', ...jane });
    expect(first.status).toBe(400);
    expect(first.body.message).toContain('first environment');
    const up = await rm
      .http()
      .post('/promote')
      .set(auth)
      .send({ service: 'svc-order', environment: 'staging', ...jane });
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ fromEnvironment: 'dev', tag: a.id });
  });

  it('refuses an artifact id with `..` or `/` at the edge', async () => {
    for (const artifactId of ['a..b', 'a/b', '-a']) {
      const res = await release(rm, {
        service: 'svc-order',
        environment: 'dev',
        artifactId,
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('artifactId must be an artifact id');
    }
  });
});
