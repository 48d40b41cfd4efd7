import {
  lastLogLines,
  parseEvent,
  parseGoDuration,
  parseInspect,
  parsePs,
  parseStats,
} from './parse';

describe('podman output parsers', () => {
  it('parses Go durations as podman prints cpu_time', () => {
    expect(parseGoDuration('72.80183ms')).toBeCloseTo(0.07280183, 9);
    expect(parseGoDuration('1m2.5s')).toBeCloseTo(62.5, 9);
    expect(parseGoDuration('1h0m0s')).toBe(3600);
    expect(parseGoDuration('850µs')).toBeCloseTo(0.00085, 9);
    expect(parseGoDuration('12ns')).toBeCloseTo(12e-9, 15);
    expect(parseGoDuration('0s')).toBe(0);
    expect(parseGoDuration('')).toBeUndefined();
    expect(parseGoDuration('1.5 s')).toBeUndefined();
    expect(parseGoDuration('--')).toBeUndefined();
  });

  it('parses podman ps -a --pod --format json (podman 4.3 output)', () => {
    const [c] = parsePs(
      JSON.stringify([
        {
          AutoRemove: false,
          Command: null,
          CreatedAt: '2 minutes ago',
          Exited: false,
          ExitedAt: -62135596800,
          ExitCode: 0,
          Id: '75016decbaf3fbd9341352f9bc314e40915c8163e8c01df5213123b057d253a9',
          Image: 'localhost/slipway/ledger:abc1234567',
          IsInfra: false,
          Labels: {
            'slipway.dev/service': 'ledger',
            'slipway.dev/replicas': '2',
          },
          Names: ['slw-staging-payments-ledger-0-ledger'],
          Pod: '44ba36991c7ba7cfc8319f53ea32ab61baeb95d37f066e020569c72ea419283b',
          PodName: 'slw-staging-payments-ledger-0',
          Ports: [
            {
              host_ip: '127.0.0.1',
              container_port: 8080,
              host_port: 29123,
              range: 1,
              protocol: 'tcp',
            },
          ],
          State: 'running',
          Status: 'Up 2 minutes ago',
          Created: 1796207615,
        },
      ]),
    );
    expect(c).toEqual({
      id: '75016decbaf3fbd9341352f9bc314e40915c8163e8c01df5213123b057d253a9',
      name: 'slw-staging-payments-ledger-0-ledger',
      podId: '44ba36991c7ba7cfc8319f53ea32ab61baeb95d37f066e020569c72ea419283b',
      podName: 'slw-staging-payments-ledger-0',
      isInfra: false,
      state: 'running',
      exitCode: 0,
      created: 1796207615,
      image: 'localhost/slipway/ledger:abc1234567',
      labels: { 'slipway.dev/service': 'ledger', 'slipway.dev/replicas': '2' },
    });
    expect(parsePs('null')).toEqual([]);
    expect(parsePs('')).toEqual([]);
  });

  it('parses podman inspect: restart count, policy, CPU limit, exit', () => {
    const [a, b, c] = parseInspect(
      JSON.stringify([
        {
          Id: 'a',
          RestartCount: 6,
          State: {
            Status: 'running',
            ExitCode: 0,
            OOMKilled: false,
            FinishedAt: '2026-12-02T10:33:59.237326976Z',
            CgroupPath: '/libpod_parent/44ba3699/libpod-a',
          },
          HostConfig: {
            NanoCpus: 500000000,
            CpuQuota: 50000,
            CpuPeriod: 100000,
            RestartPolicy: { Name: 'always' },
          },
        },
        {
          Id: 'b',
          RestartCount: 0,
          State: {
            Status: 'exited',
            ExitCode: 3,
            OOMKilled: true,
            FinishedAt: '0001-01-01T00:00:00Z',
          },
          HostConfig: {
            NanoCpus: 0,
            CpuQuota: 25000,
            CpuPeriod: 100000,
            RestartPolicy: { Name: '' },
          },
        },
        { Id: 'c', State: {}, HostConfig: {} },
      ]),
    );
    expect(a).toEqual({
      id: 'a',
      restartCount: 6,
      restartPolicy: 'always',
      cpuLimitCores: 0.5,
      status: 'running',
      exitCode: 0,
      finishedAt: Date.parse('2026-12-02T10:33:59.237Z'),
      oomKilled: false,
      cgroupPath: '/libpod_parent/44ba3699/libpod-a',
    });
    expect(b).toMatchObject({
      cpuLimitCores: 0.25,
      exitCode: 3,
      oomKilled: true,
      finishedAt: undefined,
    });
    expect(c.cpuLimitCores).toBeUndefined();
  });

  it('parses podman events lines and ignores anything else', () => {
    const e = parseEvent(
      '{"ContainerExitCode":3,"ID":"613c4f06","Image":"localhost/x:1","Name":"p-0-web","Status":"died","Time":"2026-12-02T10:33:34.511970067Z","Type":"container","Attributes":{"slipway.dev/service":"web"}}',
    );
    expect(e).toEqual({
      id: '613c4f06',
      name: 'p-0-web',
      status: 'died',
      type: 'container',
      time: Date.parse('2026-12-02T10:33:34.511Z'),
      exitCode: 3,
      attributes: { 'slipway.dev/service': 'web' },
    });
    expect(parseEvent('')).toBeUndefined();
    expect(parseEvent('Error: something')).toBeUndefined();
    expect(parseEvent('{broken')).toBeUndefined();
  });

  it('parses podman stats --no-stream --format json', () => {
    expect(
      parseStats(
        JSON.stringify([
          {
            id: '75016decbaf3',
            name: 'web',
            cpu_time: '72.80183ms',
            cpu_percent: '1.17%',
          },
          { id: 'x', name: 'y', cpu_time: 'n/a' },
        ]),
      ),
    ).toEqual([{ id: '75016decbaf3', name: 'web', cpuSeconds: 0.07280183 }]);
  });

  it('merges stdout and stderr of podman logs -t in time order and cuts at the crash', () => {
    const stdout = [
      '2026-12-02T10:34:12.516000000Z starting',
      '2026-12-02T10:34:12.516100000Z loading config',
      '2026-12-02T10:34:12.998000000Z starting',
    ].join('\n');
    const stderr = '2026-12-02T10:34:12.516200000Z fatal: not set\n';
    expect(
      lastLogLines(stdout, stderr, {
        until: Date.parse('2026-12-02T10:34:12.600Z'),
      }),
    ).toEqual(['starting', 'loading config', 'fatal: not set']);
    expect(lastLogLines(stdout, stderr, { max: 2 })).toEqual([
      'fatal: not set',
      'starting',
    ]);
    expect(lastLogLines('plain line\n', '')).toEqual(['plain line']);
  });
});
