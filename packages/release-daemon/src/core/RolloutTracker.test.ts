import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from './logger';
import { RolloutTracker } from './RolloutTracker';
import { PodFailureObservation, WorkloadObservation } from './types';

const workload = (
  o: Partial<WorkloadObservation> = {},
): WorkloadObservation => ({
  environment: 'staging',
  namespace: 'payments',
  name: 'ledger',
  service: 'ledger',
  artifactId: 'a1',
  revision: 'r1',
  desired: 2,
  available: 2,
  phase: 'complete',
  ...o,
});

const failure = (
  o: Partial<PodFailureObservation> = {},
): PodFailureObservation => ({
  environment: 'staging',
  namespace: 'payments',
  podName: 'ledger-0',
  podUid: 'u1',
  service: 'ledger',
  artifactId: 'a1',
  containers: [
    {
      name: 'ledger',
      type: 'CrashLoopBackOff',
      restartCount: 2,
      message: 'm',
      logs: ['x'],
    },
  ],
  ...o,
});

function target() {
  const deploys: WorkloadObservation[] = [];
  const errors: PodFailureObservation[] = [];
  return {
    deploys,
    errors,
    deploy: async (o: WorkloadObservation) => {
      deploys.push(o);
    },
    podError: async (o: PodFailureObservation) => {
      errors.push(o);
    },
  };
}

describe('RolloutTracker', () => {
  it('reports complete and stalled states once each, never progressing', () => {
    const t = target();
    const tracker = new RolloutTracker({ target: t, logger: silentLogger });
    tracker.workload(workload({ phase: 'progressing', available: 0 }));
    tracker.workload(workload({ phase: 'progressing', available: 1 }));
    expect(t.deploys).toHaveLength(0);
    tracker.workload(workload());
    tracker.workload(workload());
    expect(t.deploys).toHaveLength(1);
    // A replica dies later: a new state of the same revision.
    tracker.workload(workload({ phase: 'stalled', available: 1 }));
    tracker.workload(workload({ phase: 'stalled', available: 1 }));
    // A new revision (rollback) that completes.
    tracker.workload(workload({ revision: 'r2', artifactId: 'a0' }));
    expect(t.deploys.map(d => [d.phase, d.available, d.artifactId])).toEqual([
      ['complete', 2, 'a1'],
      ['stalled', 1, 'a1'],
      ['complete', 2, 'a0'],
    ]);
  });

  it('reports a failing pod instance once', () => {
    const t = target();
    const tracker = new RolloutTracker({ target: t, logger: silentLogger });
    tracker.podFailure(failure());
    tracker.podFailure(failure());
    tracker.podFailure(failure({ podUid: 'u2' })); // the pod was replaced
    expect(t.errors.map(e => e.podUid)).toEqual(['u1', 'u2']);
  });

  it('remembers what it reported across restarts in the state file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracker-'));
    const stateFile = path.join(dir, 'sub', 'state.json');
    const t1 = target();
    const first = new RolloutTracker({
      target: t1,
      logger: silentLogger,
      stateFile,
    });
    first.workload(workload());
    first.podFailure(failure());
    first.flush();
    const t2 = target();
    const second = new RolloutTracker({
      target: t2,
      logger: silentLogger,
      stateFile,
    });
    second.workload(workload());
    second.podFailure(failure());
    second.workload(workload({ revision: 'r2' }));
    expect(t2.deploys.map(d => d.revision)).toEqual(['r2']);
    expect(t2.errors).toHaveLength(0);
    fs.writeFileSync(stateFile, '{not json');
    const t3 = target();
    new RolloutTracker({
      target: t3,
      logger: silentLogger,
      stateFile,
    }).workload(workload());
    expect(t3.deploys).toHaveLength(1);
  });

  it('forgets the oldest entries beyond maxEntries', () => {
    const t = target();
    const tracker = new RolloutTracker({
      target: t,
      logger: silentLogger,
      maxEntries: 2,
    });
    for (const name of ['a', 'b', 'c', 'a'])
      tracker.workload(workload({ name }));
    expect(t.deploys.map(d => d.name)).toEqual(['a', 'b', 'c', 'a']);
  });
});
