import { ReleaseManagerClient } from '@slipway/plugin-release-manager-common';
import { doraCommand } from '../cliInsights';
import {
  auth,
  jane,
  push,
  release,
  Running,
  start,
  TOKEN,
} from '../__testUtils__/helpers';

/** `slipway-release-manager dora` against a real server. */
describe('slipway-release-manager dora', () => {
  let rm: Running;
  let out: string[];
  let spy: jest.SpyInstance;
  const client = () =>
    new ReleaseManagerClient({
      baseUrl: rm.url,
      token: TOKEN,
      timeoutMs: 60_000,
    });

  beforeAll(async () => {
    rm = await start();
    const a1 = await push(rm, 'ledger');
    const a2 = await push(rm, 'ledger');
    await release(rm, {
      service: 'ledger',
      environment: 'prod',
      artifactId: a1.id,
    });
    await release(rm, {
      service: 'ledger',
      environment: 'prod',
      artifactId: a2.id,
    });
    await rm
      .http()
      .post('/rollback')
      .set(auth)
      .send({ service: 'ledger', environment: 'prod', ...jane });
  }, 120_000);
  afterAll(async () => {
    await rm?.stop();
  });
  beforeEach(() => {
    out = [];
    spy = jest
      .spyOn(console, 'log')
      .mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  });
  afterEach(() => spy.mockRestore());

  it('prints the four keys: three prod releases, one rolled back', async () => {
    expect(await doraCommand(['--service', 'ledger'], client)).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/deployment frequency\s+0\.1\/day \(3 deployments\)/);
    expect(text).toMatch(
      /change failure rate\s+33 % \(1\/3: 1 rolled back, 0 failed rollouts/,
    );
    expect(text).toMatch(/Accelerate State of DevOps Report 2023/);
  });

  it('prints JSON with --json and takes --days and --window', async () => {
    expect(
      await doraCommand(
        ['--service', 'ledger', '--days', '90', '--window', '2', '--json'],
        client,
      ),
    ).toBe(0);
    const d = JSON.parse(out.join('\n'));
    expect(d.days).toBe(90);
    expect(d.changeFailureRate.failureWindowHours).toBe(2);
  });

  it('needs --service', async () => {
    const err = jest
      .spyOn(console, 'error')
      .mockImplementation(() => undefined);
    expect(await doraCommand([], client)).toBe(1);
    expect(err).toHaveBeenCalledWith('missing option: --service');
    err.mockRestore();
  });
});
