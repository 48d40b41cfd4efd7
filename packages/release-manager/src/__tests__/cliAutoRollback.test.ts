import { main } from '../cli';
import {
  auth,
  push,
  release,
  Running,
  start,
  TOKEN,
} from '../__testUtils__/helpers';

jest.setTimeout(120_000);

describe('slipway-release-manager policy auto-rollback, auto-release resume, auto-rollbacks', () => {
  let rm: Running;
  let out: string[];
  let log: jest.SpyInstance;

  beforeAll(async () => {
    rm = await start();
  });
  afterAll(async () => {
    await rm?.stop();
  });
  beforeEach(() => {
    out = [];
    log = jest
      .spyOn(console, 'log')
      .mockImplementation((m: unknown) => void out.push(String(m)));
  });
  afterEach(() => log.mockRestore());

  const cli = (...args: string[]) =>
    main([...args, '--url', rm.url, '--token', TOKEN]);
  const who = ['--name', 'Jane Doe', '--email', 'jane@example.com'];
  const where = ['--service', 'ledger', '--environment', 'staging'];

  it('applies and lists the policy, lists the rollback it made, resumes auto-release and deletes the policy', async () => {
    const a = await push(rm, 'ledger');
    const b = await push(rm, 'ledger');
    for (const s of [a, b]) {
      await release(rm, {
        service: 'ledger',
        environment: 'staging',
        artifactId: s.id,
      }).expect(200);
    }
    expect(
      await cli(
        'policy',
        'apply',
        'auto-rollback',
        ...where,
        '--on-rollout-failure',
        '--not-ready-within',
        '10',
        ...who,
      ),
    ).toBe(0);
    expect(JSON.parse(out.pop()!)).toEqual({
      id: 'auto-rollback-staging',
      service: 'ledger',
      environment: 'staging',
      onRolloutFailure: true,
      notReadyWithinMinutes: 10,
    });
    expect(await cli('policy', 'list', '--service', 'ledger')).toBe(0);
    expect(out.pop()!.split('\n')).toEqual([
      'branch-restriction\tprod\tglobal-branch-restriction-prod\t^(main|master)$ (global)',
      'auto-rollback\tstaging\tauto-rollback-staging\ton rollout failure, not ready within 10 min',
    ]);

    await rm
      .http()
      .post('/webhook/daemon/k8s/error')
      .set(auth)
      .send({
        podName: 'ledger-abc',
        namespace: 'payments',
        environment: 'staging',
        artifactId: b.id,
        errors: [{ name: 'ledger', type: 'CrashLoopBackOff' }],
      })
      .expect(200);
    expect(await cli('auto-rollbacks', '--service', 'ledger')).toBe(0);
    expect(out.pop()).toMatch(
      new RegExp(
        `^\\S+\\tstaging\\trolled-back\\t${b.id} → ${a.id}\\tthe rollout of ${b.id} failed: pod ledger-abc container ledger CrashLoopBackOff$`,
      ),
    );

    expect(await cli('auto-release', 'resume', ...where, ...who)).toBe(0);
    expect(out.pop()).toBe('auto-release of ledger to staging resumed');
    expect(await cli('auto-release', 'resume', ...where, ...who)).toBe(0);
    expect(out.pop()).toBe('auto-release of ledger to staging was not paused');

    expect(
      await cli('policy', 'delete', 'auto-rollback', ...where, ...who),
    ).toBe(0);
    expect(JSON.parse(out.pop()!)).toEqual({ service: 'ledger', count: 1 });
  });

  it('names the missing option or the refused field', async () => {
    await expect(
      cli('policy', 'apply', 'auto-rollback', '--service', 'ledger', ...who),
    ).rejects.toThrow('missing option: --environment');
    await expect(
      cli('policy', 'apply', 'auto-rollback', ...where, ...who),
    ).rejects.toThrow(/at least one trigger is required/);
    await expect(
      cli(
        'policy',
        'apply',
        'auto-rollback',
        ...where,
        '--not-ready-within',
        'soon',
        ...who,
      ),
    ).rejects.toThrow(/notReadyWithinMinutes/);
    await expect(
      cli('auto-release', 'pause', ...where, ...who),
    ).rejects.toThrow(/usage: auto-release resume/);
  });
});
