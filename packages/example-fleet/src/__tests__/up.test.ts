import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startReleaseManager } from '@slipway/release-manager';
import { DEFAULT_EXAMPLES_DIR, readExampleServices } from '../catalog';
import { buildsOf } from '../builds';
import { FleetReleaseManager } from '../releaseManager';
import { currentBuilds, up } from '../up';

// Each run makes ~90 releases (git commits) through a real release manager: minutes on a busy machine.
jest.setTimeout(420_000);

const TOKEN = 'fleet-test-token';
const services = readExampleServices(DEFAULT_EXAMPLES_DIR);

function head(dataDir: string): string {
  return execFileSync('git', ['rev-parse', 'main'], {
    cwd: path.join(dataDir, 'config-repo.git'),
    encoding: 'utf8',
  }).trim();
}

describe('up against a real release manager', () => {
  it('seeds history once, runs the fleet current builds, and resumes on the same data folder without seeding again', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-up-'));
    let rm = await startReleaseManager({ dataDir, token: TOKEN });
    try {
      const first = await up({
        services,
        releaseManager: new FleetReleaseManager({
          baseUrl: rm.url,
          token: TOKEN,
        }),
      });
      expect(first.every(r => r.seededHistory)).toBe(true);
      expect(first.reduce((n, r) => n + r.releases, 0)).toBeGreaterThan(60);

      const client = new FleetReleaseManager({ baseUrl: rm.url, token: TOKEN })
        .client;
      for (const s of services) {
        const b = buildsOf(s);
        const want = currentBuilds(b, s.name);
        const status = await client.status(s.name);
        for (const env of ['dev', 'staging', 'prod']) {
          expect([
            s.name,
            env,
            status.environments.find(e => e.name === env)?.tag,
          ]).toEqual([s.name, env, want[env].id]);
        }
        const history = await client.describeReleases(s.name, 'prod', 10);
        expect(history.releases.length).toBeGreaterThanOrEqual(3);
        const artifacts = await client.describeArtifacts(s.name, { count: 50 });
        expect(artifacts.artifacts.map(a => a.id).sort()).toEqual(
          b.all.map(a => a.id).sort(),
        );
        // The bad-on-purpose build, if any, is the newest and runs nowhere.
        const newest = artifacts.artifacts[0].id;
        expect(newest === b.bad?.id || !b.bad).toBe(true);
        expect(status.environments.map(e => e.tag)).not.toContain(
          b.bad?.id ?? 'none',
        );
      }
      expect((await client.status('ledger')).prod!.intent).toBe('Rollback');
      expect(
        (await client.listPolicies('payment-gateway')).autoReleases,
      ).toEqual([
        expect.objectContaining({ branch: 'main', environment: 'dev' }),
      ]);
      expect((await client.status('payment-gateway')).dev!.intent).toBe(
        'AutoRelease',
      );
      expect(
        (await client.listPolicies('ledger')).branchRestrictions,
      ).toContainEqual(
        expect.objectContaining({
          environment: 'staging',
          branchRegex: '^(main|release/.*)$',
        }),
      );

      // A restart on the same data folder: nothing is uploaded or released again.
      const before = head(dataDir);
      await rm.stop();
      rm = await startReleaseManager({ dataDir, token: TOKEN });
      const second = await up({
        services,
        releaseManager: new FleetReleaseManager({
          baseUrl: rm.url,
          token: TOKEN,
        }),
      });
      expect(
        second.every(
          r => !r.seededHistory && r.uploaded.length === 0 && r.releases === 0,
        ),
      ).toBe(true);
      expect(head(dataDir)).toBe(before);
      expect(second.map(r => r.running)).toEqual(first.map(r => r.running));
    } finally {
      await rm.stop();
    }
  });

  it('on a data folder from an older seed, keeps the history and releases the fleet builds where unknown artifacts run', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-up-old-'));
    const rm = await startReleaseManager({ dataDir, token: TOKEN });
    try {
      const fleet = new FleetReleaseManager({ baseUrl: rm.url, token: TOKEN });
      const ledger = services.find(s => s.name === 'ledger')!;
      const sha = 'abcdef0123456789abcdef0123456789abcdef01';
      const oldId = `main-${sha.slice(0, 10)}-0123456789`;
      await fleet.uploadArtifact({
        artifact: {
          id: oldId,
          service: 'ledger',
          namespace: 'payments',
          application: { branch: 'main', sha, name: 'ledger' },
        },
        manifests: {
          dev: {
            '40-deployment.yaml':
              'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ledger\n',
          },
        },
      });
      await fleet.client.release({
        service: 'ledger',
        environment: 'dev',
        artifactId: oldId,
        committerName: 'Old Seed',
        committerEmail: 'seed@slipway.dev',
        intent: { type: 'ReleaseArtifact' },
      });

      const results = await up({ services: [ledger], releaseManager: fleet });
      expect(results[0].seededHistory).toBe(false);
      const want = currentBuilds(buildsOf(ledger), 'ledger');
      const status = await fleet.client.status('ledger');
      expect(status.environments.map(e => [e.name, e.tag])).toEqual([
        ['dev', want.dev.id],
        ['staging', want.staging.id],
        ['prod', want.prod.id],
      ]);
      // The old release is still in the history.
      const dev = await fleet.client.describeReleases('ledger', 'dev', 10);
      expect(dev.releases.map(r => r.artifact?.id)).toContain(oldId);
    } finally {
      await rm.stop();
    }
  });
});
