import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  auth,
  jane,
  manifests,
  push,
  release,
  Running,
  spec,
  start,
  subjects,
} from '../__testUtils__/helpers';

const FLUX_SECRET = 'flux-shared-secret';

describe('release manager HTTP API', () => {
  let rm: Running;
  beforeAll(async () => {
    rm = await start({ flux: { hmacSecret: FLUX_SECRET } });
  });
  afterAll(async () => {
    await rm.stop();
  });

  const status = async (service: string) => {
    const res = await rm.http().get(`/status?service=${service}`).set(auth);
    expect(res.status).toBe(200);
    return res.body;
  };

  describe('intents', () => {
    it('ReleaseArtifact, Promote dev→staging→prod, and Promote refusing a mismatched artifact', async () => {
      const a = await push(rm, 'svc-promote');
      expect(
        (
          await release(rm, {
            service: 'svc-promote',
            environment: 'dev',
            artifactId: a.id,
          })
        ).status,
      ).toBe(200);

      const p1 = await release(rm, {
        service: 'svc-promote',
        environment: 'staging',
        intent: { type: 'Promote', promote: { fromEnvironment: 'dev' } },
      });
      expect(p1.status).toBe(200);
      expect(p1.body.releaseId).toBe(a.id);
      // The Lunar v0 route, defaulting to the previous environment.
      const p2 = await rm
        .http()
        .post('/promote')
        .set(auth)
        .send({ service: 'svc-promote', environment: 'prod', ...jane });
      expect(p2.status).toBe(200);
      expect(p2.body).toMatchObject({
        fromEnvironment: 'staging',
        toEnvironment: 'prod',
        tag: a.id,
      });

      const s = await status('svc-promote');
      expect(s.environments.map((e: any) => e.tag)).toEqual([a.id, a.id, a.id]);
      expect(s.staging.intent).toBe('Promote');
      expect(subjects(rm)[0]).toBe(
        `[prod/svc-promote] promote ${a.id} from staging`,
      );

      const b = await push(rm, 'svc-promote');
      const mismatch = await release(rm, {
        service: 'svc-promote',
        environment: 'staging',
        artifactId: b.id,
        intent: { type: 'Promote', promote: { fromEnvironment: 'dev' } },
      });
      expect(mismatch.status).toBe(400);
      expect(mismatch.body.message).toContain(`dev runs '${a.id}'`);
      const first = await release(rm, {
        service: 'svc-promote',
        environment: 'dev',
        intent: { type: 'Promote' },
      });
      expect(first.status).toBe(400);
      expect(first.body.message).toContain('first environment');
    });

    it('ReleaseBranch releases the latest artifact of the branch', async () => {
      await push(rm, 'svc-branch', 'feature/x');
      const latest = await push(rm, 'svc-branch', 'feature/x');
      await push(rm, 'svc-branch', 'main');
      const res = await release(rm, {
        service: 'svc-branch',
        environment: 'dev',
        intent: {
          type: 'ReleaseBranch',
          releaseBranch: { branch: 'feature/x' },
        },
      });
      expect(res.status).toBe(200);
      expect(res.body.releaseId).toBe(latest.id);
      const none = await release(rm, {
        service: 'svc-branch',
        environment: 'dev',
        intent: { type: 'ReleaseBranch', releaseBranch: { branch: 'nope' } },
      });
      expect(none.status).toBe(404);
      expect((await status('svc-branch')).dev.intent).toBe('ReleaseBranch');
    });

    it('Rollback to the previous release (a new commit) or to a named one; describe/release reads the history', async () => {
      const a1 = await push(rm, 'svc-rollback');
      const a2 = await push(rm, 'svc-rollback');
      const a3 = await push(rm, 'svc-rollback');
      for (const a of [a1, a2, a3]) {
        expect(
          (
            await release(rm, {
              service: 'svc-rollback',
              environment: 'dev',
              artifactId: a.id,
            })
          ).status,
        ).toBe(200);
      }
      const headBefore = rm.git('rev-parse', 'main').trim();
      const rb = await rm
        .http()
        .post('/rollback')
        .set(auth)
        .send({ service: 'svc-rollback', environment: 'dev', ...jane });
      expect(rb.status).toBe(200);
      expect(rb.body).toMatchObject({
        previousArtifactId: a3.id,
        newArtifactId: a2.id,
      });
      // A new commit on top: history is not rewritten.
      expect(rm.git('rev-parse', 'main~1').trim()).toBe(headBefore);
      expect(rm.git('log', '-1', '--format=%B', 'main')).toContain(
        `Intent-Previous-Artifact-ID: ${a3.id}`,
      );

      const named = await release(rm, {
        service: 'svc-rollback',
        environment: 'dev',
        artifactId: a1.id,
        intent: { type: 'Rollback', rollback: {} },
      });
      expect(named.status).toBe(200);
      expect((await status('svc-rollback')).dev).toMatchObject({
        tag: a1.id,
        intent: 'Rollback',
      });

      const never = await push(rm, 'svc-rollback');
      const bad = await release(rm, {
        service: 'svc-rollback',
        environment: 'dev',
        artifactId: never.id,
        intent: { type: 'Rollback' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toContain('never released there');
      const nothing = await rm
        .http()
        .post('/rollback')
        .set(auth)
        .send({ service: 'svc-rollback', environment: 'prod', ...jane });
      expect(nothing.status).toBe(400);

      const d = await rm
        .http()
        .get('/describe/release/svc-rollback/dev?count=10')
        .set(auth);
      expect(d.status).toBe(200);
      expect(d.body.releases.map((r: any) => r.artifact.id)).toEqual([
        a1.id,
        a2.id,
        a3.id,
        a2.id,
        a1.id,
      ]);
      expect(d.body.releases.map((r: any) => r.intent)).toEqual([
        'Rollback',
        'Rollback',
        'ReleaseArtifact',
        'ReleaseArtifact',
        'ReleaseArtifact',
      ]);
      expect(d.body.releases[0]).toMatchObject({
        releaseIndex: 0,
        releasedByName: 'Jane Doe',
        releasedByEmail: 'jane@example.com',
      });
      expect(d.body.releases[4].releaseIndex).toBe(4);
      const one = await rm
        .http()
        .get('/describe/release/svc-rollback/dev')
        .set(auth);
      expect(one.body.releases).toHaveLength(1);
    });

    it('AutoRelease: an arriving artifact of the policy branch is released with the author as releaser', async () => {
      await push(rm, 'svc-auto');
      const pol = await rm
        .http()
        .patch('/policies/auto-release')
        .set(auth)
        .send({
          service: 'svc-auto',
          branch: 'main',
          environment: 'dev',
          ...jane,
        });
      expect(pol.status).toBe(201);
      expect(pol.body).toEqual({
        id: 'auto-release-main-dev',
        service: 'svc-auto',
        branch: 'main',
        environment: 'dev',
      });
      const s = spec('svc-auto', 'main');
      s.application.committerName = 'Lars Jensen';
      s.application.committerEmail = 'lars@example.com';
      const res = await rm
        .http()
        .post('/artifacts/create')
        .set(auth)
        .send({ artifact: s, manifests: manifests('svc-auto') });
      expect(res.status).toBe(201);
      expect(res.body.autoReleases).toEqual([
        expect.objectContaining({ environment: 'dev', status: 'released' }),
      ]);
      const st = await status('svc-auto');
      expect(st.dev).toMatchObject({
        tag: s.id,
        intent: 'AutoRelease',
        releasedByName: 'Lars Jensen',
      });
      // Another branch does not fire.
      const f = await push(rm, 'svc-auto', 'feature/y');
      expect((await status('svc-auto')).dev.tag).not.toBe(f.id);
      // Explicit AutoRelease intent works like ReleaseArtifact.
      const explicit = await release(rm, {
        service: 'svc-auto',
        environment: 'staging',
        artifactId: s.id,
        intent: { type: 'AutoRelease' },
      });
      expect(explicit.status).toBe(200);
    });
  });

  describe('policies', () => {
    it('lists the global restriction, enforces it on every intent, and never removes it', async () => {
      const f = await push(rm, 'svc-policy', 'feature/z');
      const list = await rm
        .http()
        .get('/policies?service=svc-policy')
        .set(auth);
      expect(list.status).toBe(200);
      expect(list.body.branchRestrictions).toEqual([
        {
          id: 'global-branch-restriction-prod',
          environment: 'prod',
          branchRegex: '^(main|master)$',
          global: true,
        },
      ]);
      const direct = await release(rm, {
        service: 'svc-policy',
        environment: 'prod',
        artifactId: f.id,
      });
      expect(direct.status).toBe(400);
      expect(direct.body.message).toContain(
        "branch restriction policy 'global-branch-restriction-prod'",
      );
      // Promote is restricted too.
      await release(rm, {
        service: 'svc-policy',
        environment: 'dev',
        artifactId: f.id,
      });
      await release(rm, {
        service: 'svc-policy',
        environment: 'staging',
        intent: { type: 'Promote' },
      });
      const promote = await release(rm, {
        service: 'svc-policy',
        environment: 'prod',
        intent: { type: 'Promote' },
      });
      expect(promote.status).toBe(400);
      expect(promote.body.message).toContain('global-branch-restriction-prod');
      const del = await rm
        .http()
        .delete('/policies')
        .set(auth)
        .send({
          service: 'svc-policy',
          policyIds: ['global-branch-restriction-prod'],
          ...jane,
        });
      expect(del.status).toBe(400);
      expect(del.body.message).toContain('cannot be removed');
      // Auto-release of a feature branch into prod conflicts with it.
      const conflict = await rm
        .http()
        .patch('/policies/auto-release')
        .set(auth)
        .send({
          service: 'svc-policy',
          branch: 'feature/z',
          environment: 'prod',
          ...jane,
        });
      expect(conflict.status).toBe(400);
      expect(conflict.body.message).toContain('global-branch-restriction-prod');
    });

    it('applies and deletes service policies as commits, refusing conflicts and enforcing restrictions on rollback', async () => {
      const m1 = await push(rm, 'svc-restrict', 'main');
      const r1 = await push(rm, 'svc-restrict', 'release/1');
      await release(rm, {
        service: 'svc-restrict',
        environment: 'staging',
        artifactId: r1.id,
      });
      await release(rm, {
        service: 'svc-restrict',
        environment: 'staging',
        artifactId: m1.id,
      });
      const n = subjects(rm).length;
      const apply = await rm
        .http()
        .patch('/policies/branch-restriction')
        .set(auth)
        .send({
          service: 'svc-restrict',
          environment: 'staging',
          branchRegex: 'main',
          ...jane,
        });
      expect(apply.status).toBe(201);
      expect(apply.body).toEqual({
        id: 'branch-restriction-staging',
        service: 'svc-restrict',
        environment: 'staging',
        branchRegex: 'main',
      });
      expect(subjects(rm)).toHaveLength(n + 1);
      expect(rm.git('show', 'main:policies/svc-restrict.json')).toContain(
        '"branchRegex": "main"',
      );

      // Rollback to the release/1 artifact is refused by the restriction.
      const rb = await rm
        .http()
        .post('/rollback')
        .set(auth)
        .send({ service: 'svc-restrict', environment: 'staging', ...jane });
      expect(rb.status).toBe(400);
      expect(rb.body.message).toContain(
        "branch restriction policy 'branch-restriction-staging'",
      );

      // Auto-release of another branch into staging conflicts.
      const conflict = await rm
        .http()
        .patch('/policies/auto-release')
        .set(auth)
        .send({
          service: 'svc-restrict',
          branch: 'develop',
          environment: 'staging',
          ...jane,
        });
      expect(conflict.status).toBe(400);
      expect(conflict.body.message).toContain('branch-restriction-staging');

      const ar = await rm
        .http()
        .patch('/policies/auto-release')
        .set(auth)
        .send({
          service: 'svc-restrict',
          branch: 'main',
          environment: 'staging',
          ...jane,
        });
      expect(ar.status).toBe(201);
      // A second branch into the same environment conflicts.
      const second = await rm
        .http()
        .patch('/policies/auto-release')
        .set(auth)
        .send({
          service: 'svc-restrict',
          branch: 'main2',
          environment: 'dev',
          ...jane,
        });
      expect(second.status).toBe(201);
      // Another branch into the same environment overwrites its policy, in its
      // place (Lunar's SetAutoRelease); setting it back overwrites again.
      const policyIds = async () =>
        (
          await rm.http().get('/policies?service=svc-restrict').set(auth)
        ).body.autoReleases.map((p: any) => p.id);
      const overwrite = await rm
        .http()
        .patch('/policies/auto-release')
        .set(auth)
        .send({
          service: 'svc-restrict',
          branch: 'other',
          environment: 'dev',
          ...jane,
        });
      expect(overwrite.status).toBe(201);
      expect(overwrite.body).toEqual({
        id: 'auto-release-other-dev',
        service: 'svc-restrict',
        branch: 'other',
        environment: 'dev',
      });
      expect(await policyIds()).toEqual([
        'auto-release-main-staging',
        'auto-release-other-dev',
      ]);
      expect(subjects(rm)[0]).toBe(
        '[policies/svc-restrict] apply auto-release of other to dev',
      );
      const feed = await rm
        .http()
        .get('/events?service=svc-restrict&limit=1')
        .set(auth);
      expect(feed.body.events[0].message).toContain(
        'replacing auto-release-main2-dev',
      );
      const back = await rm
        .http()
        .patch('/policies/auto-release')
        .set(auth)
        .send({
          service: 'svc-restrict',
          branch: 'main2',
          environment: 'dev',
          ...jane,
        });
      expect(back.status).toBe(201);
      expect(await policyIds()).toEqual([
        'auto-release-main-staging',
        'auto-release-main2-dev',
      ]);
      // A restriction the auto-release policy breaks is refused.
      const breaks = await rm
        .http()
        .patch('/policies/branch-restriction')
        .set(auth)
        .send({
          service: 'svc-restrict',
          environment: 'dev',
          branchRegex: '^main$',
          ...jane,
        });
      expect(breaks.status).toBe(400);
      expect(breaks.body.message).toContain('auto-release-main2-dev');
      const badRegex = await rm
        .http()
        .patch('/policies/branch-restriction')
        .set(auth)
        .send({
          service: 'svc-restrict',
          environment: 'dev',
          branchRegex: '(',
          ...jane,
        });
      expect(badRegex.status).toBe(400);
      expect(badRegex.body.message).toContain('branchRegex');

      const list = await rm
        .http()
        .get('/policies?service=svc-restrict')
        .set(auth);
      expect(list.body.autoReleases.map((p: any) => p.id)).toEqual([
        'auto-release-main-staging',
        'auto-release-main2-dev',
      ]);

      const del = await rm
        .http()
        .delete('/policies')
        .set(auth)
        .send({
          service: 'svc-restrict',
          policyIds: ['auto-release-main2-dev', 'branch-restriction-staging'],
          ...jane,
        });
      expect(del.status).toBe(200);
      expect(del.body).toEqual({ service: 'svc-restrict', count: 2 });
      const again = await rm
        .http()
        .delete('/policies')
        .set(auth)
        .send({
          service: 'svc-restrict',
          policyIds: ['auto-release-main2-dev'],
          ...jane,
        });
      expect(again.status).toBe(404);
      const empty = await rm
        .http()
        .delete('/policies')
        .set(auth)
        .send({ service: 'svc-restrict', policyIds: [], ...jane });
      expect(empty.status).toBe(400);
      expect(empty.body.message).toContain('policyIds');
    });
  });

  describe('artifacts and describe', () => {
    it('describes artifacts newest first, by branch, and the latest of a branch', async () => {
      const a = await push(rm, 'svc-describe', 'main');
      const b = await push(rm, 'svc-describe', 'feature/q');
      const c = await push(rm, 'svc-describe', 'main');
      const all = await rm
        .http()
        .get('/describe/artifact/svc-describe?count=10')
        .set(auth);
      expect(all.status).toBe(200);
      expect(all.body.artifacts.map((x: any) => x.id)).toEqual([
        c.id,
        b.id,
        a.id,
      ]);
      const main = await rm
        .http()
        .get('/describe/artifact/svc-describe?count=10&branch=main')
        .set(auth);
      expect(main.body.artifacts.map((x: any) => x.id)).toEqual([c.id, a.id]);
      const latest = await rm
        .http()
        .get('/describe/latest-artifact/svc-describe?branch=feature/q')
        .set(auth);
      expect(latest.body).toEqual({ service: 'svc-describe', artifacts: [b] });
      expect(
        (
          await rm
            .http()
            .get('/describe/latest-artifact/svc-describe')
            .set(auth)
        ).status,
      ).toBe(400);
      expect(
        (
          await rm
            .http()
            .get('/describe/latest-artifact/svc-describe?branch=none')
            .set(auth)
        ).status,
      ).toBe(404);
      expect(
        (
          await rm
            .http()
            .get('/describe/artifact/svc-describe?count=0')
            .set(auth)
        ).status,
      ).toBe(400);
      expect(
        (
          await rm
            .http()
            .get('/describe/artifact/svc-describe?count=abc')
            .set(auth)
        ).status,
      ).toBe(400);
    });

    it('takes manifests at the upload URL, checking their MD5', async () => {
      const s = spec('svc-upload');
      const body = JSON.stringify(manifests('svc-upload'));
      const md5 = crypto.createHash('md5').update(body).digest('hex');
      const created = await rm
        .http()
        .post('/artifacts/create')
        .set(auth)
        .send({ artifact: s, md5 });
      expect(created.status).toBe(201);
      const url = new URL(created.body.artifactUploadUrl);
      expect(url.pathname).toBe(`/artifacts/upload/svc-upload/${s.id}`);
      const wrong = await rm
        .http()
        .put(`${url.pathname}${url.search}`)
        .set(auth)
        .send(`${body} `);
      expect(wrong.status).toBe(400);
      expect(wrong.body.message).toContain('md5');
      const ok = await rm
        .http()
        .put(`${url.pathname}${url.search}`)
        .set(auth)
        .set('content-type', 'application/octet-stream')
        .send(Buffer.from(body));
      expect(ok.status).toBe(201);
      expect(
        (
          await release(rm, {
            service: 'svc-upload',
            environment: 'dev',
            artifactId: s.id,
          })
        ).status,
      ).toBe(200);
    });

    it("keeps an artifact's own kustomization.yaml and otherwise writes one listing the manifests", async () => {
      const own = spec('svc-kustomize');
      const m = manifests('svc-kustomize', ['dev']);
      m.dev['kustomization.yaml'] =
        'resources:\n  - 40-deployment.yaml\npatches: []\n';
      await rm
        .http()
        .post('/artifacts/create')
        .set(auth)
        .send({ artifact: own, manifests: m });
      expect(
        (
          await release(rm, {
            service: 'svc-kustomize',
            environment: 'dev',
            artifactId: own.id,
          })
        ).status,
      ).toBe(200);
      expect(
        rm.git(
          'show',
          'main:dev/releases/payments/svc-kustomize/kustomization.yaml',
        ),
      ).toBe('resources:\n  - 40-deployment.yaml\npatches: []\n');
      const plain = await push(rm, 'svc-kustomize');
      expect(
        (
          await release(rm, {
            service: 'svc-kustomize',
            environment: 'dev',
            artifactId: plain.id,
          })
        ).status,
      ).toBe(200);
      const generated = rm.git(
        'show',
        'main:dev/releases/payments/svc-kustomize/kustomization.yaml',
      );
      expect(generated).toContain('kind: Kustomization');
      expect(generated).toContain('  - 40-deployment.yaml');
      expect(generated).not.toContain('  - artifact.json');
    });

    it('refuses an artifact without manifests for the environment', async () => {
      const s = spec('svc-nomani');
      await rm
        .http()
        .post('/artifacts/create')
        .set(auth)
        .send({ artifact: s, manifests: manifests('svc-nomani', ['dev']) });
      const res = await release(rm, {
        service: 'svc-nomani',
        environment: 'staging',
        artifactId: s.id,
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(
        "no manifests for environment 'staging'",
      );
    });
  });

  describe('bad input', () => {
    it.each([
      ['../x'],
      ['a/b'],
      ['/etc/passwd'],
      ['UPPER'],
      ['-leading'],
      ['x'.repeat(64)],
      [''],
    ])('refuses service %j with 400 and touches nothing', async bad => {
      const head = rm.git('rev-parse', 'main').trim();
      const res = await release(rm, {
        service: bad,
        environment: 'dev',
        artifactId: 'main-1-2',
      });
      expect(res.status).toBe(400);
      expect(res.body.status).toBe(400);
      expect(res.body.message).toContain('service');
      const created = await rm
        .http()
        .post('/artifacts/create')
        .set(auth)
        .send({
          artifact: { ...spec('ok'), service: bad },
          manifests: manifests('ok'),
        });
      expect(created.status).toBe(400);
      expect(created.body.message).toContain('artifact.service');
      expect(rm.git('rev-parse', 'main').trim()).toBe(head);
      expect(fs.existsSync(path.join(rm.dataDir, 'artifacts', 'ok'))).toBe(
        false,
      );
      expect(fs.readdirSync(path.join(rm.dataDir)).sort()).toEqual(
        [
          'artifacts',
          'config-repo',
          'config-repo.git',
          'release-manager.sqlite',
          'release-manager.sqlite-shm',
          'release-manager.sqlite-wal',
        ].filter(f => fs.existsSync(path.join(rm.dataDir, f))),
      );
    });

    it('refuses traversal in environments, namespaces, artifact ids and manifest names', async () => {
      await push(rm, 'svc-bad');
      const head = rm.git('rev-parse', 'main').trim();
      const env = await release(rm, {
        service: 'svc-bad',
        environment: '../../etc',
        artifactId: 'main-1-2',
      });
      expect(env.status).toBe(400);
      expect(env.body.message).toContain('environment');
      const id = await release(rm, {
        service: 'svc-bad',
        environment: 'dev',
        artifactId: '../../x',
      });
      expect(id.status).toBe(400);
      expect(id.body.message).toContain('artifactId');
      const ns = await rm
        .http()
        .post('/artifacts/create')
        .set(auth)
        .send({
          artifact: { ...spec('svc-bad'), namespace: '../kube-system' },
          manifests: manifests('svc-bad'),
        });
      expect(ns.status).toBe(400);
      expect(ns.body.message).toContain('artifact.namespace');
      const file = await rm
        .http()
        .post('/artifacts/create')
        .set(auth)
        .send({
          artifact: spec('svc-bad'),
          manifests: { dev: { '../../evil.yaml': 'x' } },
        });
      expect(file.status).toBe(400);
      const envKey = await rm
        .http()
        .post('/artifacts/create')
        .set(auth)
        .send({
          artifact: spec('svc-bad'),
          manifests: { '../dev': { 'a.yaml': 'x' } },
        });
      expect(envKey.status).toBe(400);
      const describe = await rm
        .http()
        .get('/describe/release/..%2F..%2Fetc/dev')
        .set(auth);
      expect(describe.status).toBe(400);
      expect(rm.git('rev-parse', 'main').trim()).toBe(head);
    });

    it('names the field for missing fields, wrong types and malformed JSON', async () => {
      const missing = await rm
        .http()
        .post('/release')
        .set(auth)
        .send({ service: 'svc-bad', environment: 'dev', artifactId: 'x' });
      expect(missing.status).toBe(400);
      expect(missing.body.message).toContain('committerName');
      const type = await rm
        .http()
        .post('/release')
        .set(auth)
        .send({ ...jane, service: 42, environment: 'dev' });
      expect(type.status).toBe(400);
      expect(type.body.message).toContain('service');
      const intent = await release(rm, {
        service: 'svc-bad',
        environment: 'dev',
        artifactId: 'x',
        intent: { type: 'Deploy' },
      });
      expect(intent.status).toBe(400);
      expect(intent.body.message).toContain('intent.type');
      const email = await release(rm, {
        service: 'svc-bad',
        environment: 'dev',
        artifactId: 'x',
        committerEmail: 'nope',
      });
      expect(email.status).toBe(400);
      expect(email.body.message).toContain('committerEmail');
      const malformed = await rm
        .http()
        .post('/release')
        .set(auth)
        .set('content-type', 'application/json')
        .send('{"service": ');
      expect(malformed.status).toBe(400);
      expect(malformed.body.message).toContain('malformed JSON');
      const noService = await rm.http().get('/status').set(auth);
      expect(noService.status).toBe(400);
      expect(noService.body.message).toContain('service');
    });

    it('gives 404 for unknown services, environments, artifacts and routes', async () => {
      await push(rm, 'svc-known');
      const svc = await rm
        .http()
        .get('/status?service=no-such-service')
        .set(auth);
      expect(svc.status).toBe(404);
      expect(svc.body).toEqual({
        status: 404,
        message: expect.stringContaining('no-such-service'),
      });
      expect(
        (
          await release(rm, {
            service: 'no-such-service',
            environment: 'dev',
            artifactId: 'main-1-2',
          })
        ).status,
      ).toBe(404);
      const env = await release(rm, {
        service: 'svc-known',
        environment: 'qa',
        artifactId: 'main-1-2',
      });
      expect(env.status).toBe(404);
      expect(env.body.message).toContain("unknown environment 'qa'");
      const art = await release(rm, {
        service: 'svc-known',
        environment: 'dev',
        artifactId: 'main-0000000000-0000000000',
      });
      expect(art.status).toBe(404);
      expect(art.body.message).toContain('not found');
      expect(
        (await rm.http().get('/describe/release/svc-known/qa').set(auth))
          .status,
      ).toBe(404);
      expect((await rm.http().get('/nope').set(auth)).status).toBe(404);
    });
  });

  describe('rollout state, events, metrics', () => {
    it('reports deploy progress, pod errors with logs, job errors and recovery', async () => {
      const a = await push(rm, 'svc-rollout');
      await release(rm, {
        service: 'svc-rollout',
        environment: 'dev',
        artifactId: a.id,
      });
      expect((await status('svc-rollout')).dev.rollout).toMatchObject({
        phase: 'unknown',
        artifactId: a.id,
      });

      const deploy = (available: number) =>
        rm.http().post('/webhook/daemon/k8s/deploy').set(auth).send({
          name: 'svc-rollout',
          namespace: 'payments',
          resourceType: 'Deployment',
          availablePods: available,
          replicas: 5,
          artifactId: a.id,
          environment: 'dev',
        });
      expect((await deploy(2)).status).toBe(200);
      expect((await status('svc-rollout')).dev.rollout).toMatchObject({
        phase: 'progressing',
        availableReplicas: 2,
        desiredReplicas: 5,
      });

      const err = await rm
        .http()
        .post('/webhook/daemon/k8s/error')
        .set(auth)
        .send({
          podName: 'svc-rollout-5d8f7c9b4-abcde',
          namespace: 'payments',
          environment: 'dev',
          artifactId: a.id,
          errors: [
            {
              name: 'app',
              type: 'CrashLoopBackOff',
              message: 'back-off restarting',
              logs: 'line 1\nline 2\nFATAL boom\n',
            },
          ],
        });
      expect(err.status).toBe(200);
      const failed = (await status('svc-rollout')).dev.rollout;
      expect(failed.phase).toBe('failed');
      expect(failed.errors[0]).toEqual({
        podName: 'svc-rollout-5d8f7c9b4-abcde',
        container: 'app',
        reason: 'CrashLoopBackOff',
        message: 'back-off restarting',
        logs: ['line 1', 'line 2', 'FATAL boom'],
      });
      const route = await rm.http().get('/rollout/svc-rollout').set(auth);
      expect(route.body.environments.dev.phase).toBe('failed');
      expect(route.body.environments.prod.phase).toBe('unknown');

      expect((await deploy(5)).status).toBe(200);
      expect((await status('svc-rollout')).dev.rollout).toMatchObject({
        phase: 'succeeded',
        errors: [],
      });

      const job = await rm
        .http()
        .post('/webhook/daemon/k8s/joberror')
        .set(auth)
        .send({
          jobName: 'svc-rollout-migrate-28471',
          environment: 'dev',
          artifactId: a.id,
          errors: [
            {
              type: 'Failed',
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
            },
          ],
        });
      expect(job.status).toBe(200);
      expect((await status('svc-rollout')).dev.rollout.errors[0]).toMatchObject(
        { reason: 'BackoffLimitExceeded' },
      );

      // Events of another artifact do not count for the running one.
      await rm.http().post('/webhook/daemon/k8s/deploy').set(auth).send({
        name: 'svc-rollout',
        availablePods: 0,
        replicas: 5,
        artifactId: 'main-9999999999-9999999999',
        environment: 'dev',
      });
      expect((await status('svc-rollout')).dev.rollout.phase).toBe('failed');

      const unknown = await rm
        .http()
        .post('/webhook/daemon/k8s/error')
        .set(auth)
        .send({
          podName: 'zzz-1',
          environment: 'dev',
          artifactId: a.id,
          errors: [{ name: 'c' }],
        });
      expect(unknown.status).toBe(404);
      const badEnv = await deploy(1).then(() =>
        rm.http().post('/webhook/daemon/k8s/deploy').set(auth).send({
          name: 'svc-rollout',
          availablePods: 1,
          replicas: 1,
          artifactId: a.id,
          environment: 'qa',
        }),
      );
      expect(badEnv.status).toBe(404);
      const noAuth = await rm
        .http()
        .post('/webhook/daemon/k8s/deploy')
        .send({});
      expect(noAuth.status).toBe(401);
    });

    it('verifies Flux generic-hmac signatures', async () => {
      const a = await push(rm, 'svc-flux');
      await release(rm, {
        service: 'svc-flux',
        environment: 'staging',
        artifactId: a.id,
      });
      const event = {
        involvedObject: {
          kind: 'Kustomization',
          namespace: 'flux-system',
          name: 'svc-flux',
        },
        severity: 'error',
        timestamp: new Date().toISOString(),
        message:
          'health check failed after 2m0s: timeout waiting for: [Deployment/payments/svc-flux status: InProgress]',
        reason: 'HealthCheckFailed',
        metadata: { revision: 'main@sha1:0123456789abcdef' },
        reportingController: 'kustomize-controller',
      };
      const body = JSON.stringify(event);
      const sig = `sha256=${crypto
        .createHmac('sha256', FLUX_SECRET)
        .update(body)
        .digest('hex')}`;
      const ok = await rm
        .http()
        .post('/webhook/flux/staging')
        .set('x-signature', sig)
        .set('content-type', 'application/json')
        .send(body);
      expect(ok.status).toBe(200);
      expect((await status('svc-flux')).staging.rollout).toMatchObject({
        phase: 'failed',
        fluxMessage: expect.stringContaining('HealthCheckFailed'),
      });
      const wrong = await rm
        .http()
        .post('/webhook/flux/staging')
        .set(
          'x-signature',
          `sha256=${crypto
            .createHmac('sha256', 'other')
            .update(body)
            .digest('hex')}`,
        )
        .set('content-type', 'application/json')
        .send(body);
      expect(wrong.status).toBe(401);
      const missing = await rm
        .http()
        .post('/webhook/flux/staging')
        .set(auth)
        .set('content-type', 'application/json')
        .send(body);
      expect(missing.status).toBe(401);
    });

    it('feeds events newest first, filtered by since and service', async () => {
      const since = new Date().toISOString();
      const a = await push(rm, 'svc-events');
      await release(rm, {
        service: 'svc-events',
        environment: 'dev',
        artifactId: a.id,
      });
      await rm
        .http()
        .patch('/policies/auto-release')
        .set(auth)
        .send({
          service: 'svc-events',
          branch: 'main',
          environment: 'dev',
          ...jane,
        });
      const res = await rm
        .http()
        .get(`/events?since=${encodeURIComponent(since)}&service=svc-events`)
        .set(auth);
      expect(res.status).toBe(200);
      expect(res.body.events.map((e: any) => e.type)).toEqual([
        'policy',
        'release',
        'artifact',
      ]);
      expect(res.body.events[1]).toMatchObject({
        environment: 'dev',
        artifactId: a.id,
        actorName: 'Jane Doe',
      });
      const future = await rm
        .http()
        .get(`/events?since=${Date.now() + 60_000}`)
        .set(auth);
      expect(future.body.events).toEqual([]);
      expect(
        (await rm.http().get('/events?since=yesterday').set(auth)).status,
      ).toBe(400);
      const svcs = await rm.http().get('/services').set(auth);
      expect(svcs.body.services).toContain('svc-events');
      expect(svcs.body.environments).toEqual(['dev', 'staging', 'prod']);
    });

    it('serves /metrics and /healthz', async () => {
      const a = await push(rm, 'svc-metrics', 'feature/m');
      expect(
        (
          await release(rm, {
            service: 'svc-metrics',
            environment: 'dev',
            artifactId: a.id,
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await release(rm, {
            service: 'svc-metrics',
            environment: 'prod',
            artifactId: a.id,
          })
        ).status,
      ).toBe(400);
      const health = await rm.http().get('/healthz');
      expect(health.status).toBe(200);
      expect(health.body).toEqual({
        status: 'ok',
        head: rm.git('rev-parse', 'main').trim(),
      });
      const metrics = await rm.http().get('/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.text).toMatch(
        /release_manager_releases_total\{environment="dev",intent="ReleaseArtifact",outcome="released"\} [1-9]/,
      );
      expect(metrics.text).toMatch(
        /release_manager_releases_total\{environment="prod",intent="ReleaseArtifact",outcome="rejected"\} [1-9]/,
      );
      expect(metrics.text).toContain(
        'release_manager_release_duration_seconds_bucket',
      );
      expect(metrics.text).toContain('release_manager_git_push_retries_total');
      expect(metrics.text).toMatch(
        /release_manager_http_request_duration_seconds_count\{route="\/status",method="GET"\} [1-9]/,
      );
    });
  });
});
