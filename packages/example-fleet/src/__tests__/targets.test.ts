import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readPodTargets } from '../targets';

describe('readPodTargets', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-targets-'));
  const file = path.join(dir, 'pods.json');

  it('reads loopback targets with their service and environment, and nothing else', () => {
    fs.writeFileSync(
      file,
      JSON.stringify([
        {
          targets: ['127.0.0.1:20001', '127.0.0.1:20002'],
          labels: {
            service: 'ledger',
            environment: 'prod',
            namespace: 'payments',
            pod: 'slw-prod-payments-ledger-0',
          },
        },
        // Never a podman bridge address, never a host name.
        {
          targets: ['10.88.0.5:8080', 'localhost:20003', '127.0.0.1:99999'],
          labels: { service: 'ledger', environment: 'dev' },
        },
        { targets: ['127.0.0.1:20004'], labels: { environment: 'dev' } },
      ]),
    );
    expect(readPodTargets(file)).toEqual([
      {
        address: '127.0.0.1:20001',
        service: 'ledger',
        environment: 'prod',
        namespace: 'payments',
        pod: 'slw-prod-payments-ledger-0',
      },
      {
        address: '127.0.0.1:20002',
        service: 'ledger',
        environment: 'prod',
        namespace: 'payments',
        pod: 'slw-prod-payments-ledger-0',
      },
    ]);
  });

  it('is empty before the file exists and refuses a file that is not file_sd', () => {
    expect(readPodTargets(path.join(dir, 'missing.json'))).toEqual([]);
    fs.writeFileSync(file, JSON.stringify({ targets: [] }));
    expect(() => readPodTargets(file)).toThrow(/not a Prometheus file_sd list/);
  });
});
