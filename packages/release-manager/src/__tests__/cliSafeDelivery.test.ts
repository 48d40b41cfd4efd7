import { main } from '../cli';
import { push, Running, start, TOKEN } from '../__testUtils__/helpers';

describe('slipway-release-manager freeze, gates and release --break-glass', () => {
  let rm: Running;
  let out: string[];
  let log: jest.SpyInstance;

  beforeAll(async () => {
    rm = await start();
  }, 60_000);
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

  it('adds, lists and removes freeze windows, shows them in gates, and breaks glass', async () => {
    const a = await push(rm, 'ledger');
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    expect(
      await cli(
        'freeze',
        'add',
        '--service',
        'ledger',
        '--environment',
        'prod',
        '--reason',
        'Release party',
        '--from',
        from,
        '--to',
        to,
        ...who,
      ),
    ).toBe(0);
    const added = JSON.parse(out.pop()!);
    expect(added).toMatchObject({ active: true, reason: 'Release party' });
    expect(
      await cli(
        'freeze',
        'add',
        '--service',
        'ledger',
        '--env',
        'prod',
        '--reason',
        'Weekends',
        '--rrule',
        'FREQ=WEEKLY;BYDAY=FR;BYHOUR=16',
        '--time-zone',
        'Europe/Copenhagen',
        '--duration',
        '3840',
        ...who,
      ),
    ).toBe(0);
    out.pop();

    expect(await cli('freeze', 'list', '--service', 'ledger')).toBe(0);
    const listed = out.pop()!;
    expect(listed).toContain(`prod\t${added.id}\tFROZEN until`);
    expect(listed).toContain(
      'FREQ=WEEKLY;BYDAY=FR;BYHOUR=16 in Europe/Copenhagen for 3840 min\tWeekends',
    );

    expect(
      await cli(
        'gates',
        '--service',
        'ledger',
        '--env',
        'prod',
        '--intent',
        'ReleaseArtifact',
        '--artifact',
        a.id,
      ),
    ).toBe(2);
    const gates = out.pop()!;
    expect(gates).toContain(`ReleaseArtifact of ledger ${a.id} into prod`);
    expect(gates).toContain('  SKIP  Soak time: turned off');
    expect(gates).toMatch(
      / {2}FROZEN {2}prod is frozen until .* \(Release party;/,
    );

    await expect(
      cli(
        'release',
        '--service',
        'ledger',
        '--environment',
        'prod',
        '--artifact',
        a.id,
        ...who,
      ),
    ).rejects.toMatchObject({ status: 409 });
    expect(
      await cli(
        'release',
        '--service',
        'ledger',
        '--environment',
        'prod',
        '--artifact',
        a.id,
        ...who,
        '--break-glass',
        'Fix for INC-7',
      ),
    ).toBe(0);
    const released = JSON.parse(out.pop()!);
    expect(released.brokeFreeze.reason).toBe('Release party');
    expect(rm.git('log', '-1', '--format=%B', released.commit)).toContain(
      'Slipway-Break-Glass: Fix for INC-7',
    );

    expect(
      await cli(
        'freeze',
        'remove',
        '--service',
        'ledger',
        '--id',
        added.id,
        ...who,
      ),
    ).toBe(0);
    await expect(cli('freeze', 'add', '--service', 'ledger')).rejects.toThrow(
      'missing options: --environment, --reason, --name, --email',
    );
  }, 120_000);
});
