import fs from 'node:fs';
import path from 'node:path';
import {
  auth,
  jane,
  push,
  release,
  Running,
  start,
  subjects,
} from '../__testUtils__/helpers';

describe('release manager: release and status', () => {
  let rm: Running;
  beforeEach(async () => {
    rm = await start();
  });
  afterEach(async () => {
    await rm.stop();
  });

  it('releases an artifact into the config repo as one commit and reads status back from git', async () => {
    const a = await push(rm, 'payment-gateway');
    const before = subjects(rm).length;
    const res = await release(rm, {
      service: 'payment-gateway',
      environment: 'dev',
      artifactId: a.id,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      service: 'payment-gateway',
      releaseId: a.id,
      tag: a.id,
      toEnvironment: 'dev',
      status: '',
    });
    expect(subjects(rm)).toHaveLength(before + 1);
    expect(subjects(rm)[0]).toBe(`[dev/payment-gateway] release ${a.id}`);

    // The commit carries the trailers and the person as author.
    const body = rm.git('log', '-1', '--format=%an <%ae>%n%B', 'main');
    expect(body).toContain('Jane Doe <jane@example.com>');
    expect(body).toContain('Service: payment-gateway');
    expect(body).toContain('Environment: dev');
    expect(body).toContain(`Artifact-ID: ${a.id}`);
    expect(body).toContain('Intent: ReleaseArtifact');
    expect(body).toContain('Released-By: Jane Doe <jane@example.com>');
    const files = rm.git('ls-tree', '-r', '--name-only', 'main').split('\n');
    expect(files).toEqual(
      expect.arrayContaining([
        'dev/releases/payments/payment-gateway/40-deployment.yaml',
        'dev/releases/payments/payment-gateway/artifact.json',
        'dev/releases/payments/payment-gateway/kustomization.yaml',
      ]),
    );

    const status = await rm
      .http()
      .get('/status?service=payment-gateway')
      .set(auth);
    expect(status.status).toBe(200);
    expect(status.body.dev).toMatchObject({
      name: 'dev',
      tag: a.id,
      author: 'Jane Doe',
      branch: 'main',
      namespace: 'payments',
      releasedByName: 'Jane Doe',
      releasedByEmail: 'jane@example.com',
      intent: 'ReleaseArtifact',
      highVulnerabilities: 1,
      mediumVulnerabilities: 2,
      lowVulnerabilities: 3,
      buildUrl: a.ci!.jobUrl,
    });
    expect(status.body.environments.map((e: any) => e.name)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
    expect(status.body.prod.tag).toBeUndefined();
    expect(fs.existsSync(path.join(rm.dataDir, 'release-manager.sqlite'))).toBe(
      true,
    );
  });

  it('answers an unchanged release without a commit', async () => {
    const a = await push(rm, 'ledger');
    await release(rm, {
      service: 'ledger',
      environment: 'dev',
      artifactId: a.id,
    });
    const n = subjects(rm).length;
    const res = await release(rm, {
      service: 'ledger',
      environment: 'dev',
      artifactId: a.id,
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('Environment is already up-to-date');
    expect(subjects(rm)).toHaveLength(n);
  });

  it('requires the bearer token', async () => {
    const res = await rm.http().get('/status?service=x');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      status: 401,
      message: 'please provide a valid authentication token',
    });
    const wrong = await rm
      .http()
      .post('/release')
      .set({ authorization: 'Bearer nope' })
      .send({ ...jane });
    expect(wrong.status).toBe(401);
  });
});
