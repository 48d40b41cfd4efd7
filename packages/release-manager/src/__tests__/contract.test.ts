import crypto from 'node:crypto';
import { ReleaseManagerClient } from '@slipway/plugin-release-manager-common';
import {
  jane,
  manifests,
  Running,
  spec,
  start,
  TOKEN,
} from '../__testUtils__/helpers';
import { loadOpenApi } from '../__testUtils__/openapi';
import {
  Exchange,
  OpenApiContract,
  recordingFetch,
} from '../__testUtils__/contract';

/**
 * Drives a real release manager through a scenario that calls every route of the
 * OpenAPI document (through the shared typed client where it has a method), records
 * every exchange, and checks each request and response body against the document's
 * schema for that operation and status. Objects are closed (no field the document
 * does not list) and `required` fields must be present.
 */
describe('request and response bodies match the OpenAPI document', () => {
  const doc = loadOpenApi();
  const contract = new OpenApiContract(doc);
  const log: Exchange[] = [];
  let rm: Running;

  beforeAll(async () => {
    rm = await start();
    const record = recordingFetch(log);
    const client = new ReleaseManagerClient({
      baseUrl: rm.url,
      token: TOKEN,
      timeoutMs: 60_000,
      fetch: record,
    });
    const raw = (path: string, init: RequestInit = {}) =>
      record(`${rm.url}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          ...(init.headers as Record<string, string>),
        },
      });
    const ignore = () => undefined;

    // Artifacts: two on main (inline manifests), one on a feature branch via upload URL.
    const a1 = spec('ledger');
    const a2 = spec('ledger');
    await client.createArtifact({
      artifact: a1,
      manifests: manifests('ledger'),
    });
    await client.applyAutoReleasePolicy({
      service: 'ledger',
      branch: 'main',
      environment: 'dev',
      ...jane,
    });
    await client.createArtifact({
      artifact: a2,
      manifests: manifests('ledger'),
    });
    const feature = spec('ledger', 'feature/x');
    const body = JSON.stringify(manifests('ledger'));
    const md5 = crypto.createHash('md5').update(body).digest('hex');
    const created = await client.createArtifact({ artifact: feature, md5 });
    const upload = new URL(created.artifactUploadUrl!);
    await raw(`${upload.pathname}${upload.search}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body,
    });

    // Releases of every kind.
    await client.release({
      service: 'ledger',
      environment: 'staging',
      artifactId: a1.id,
      ...jane,
      intent: { type: 'ReleaseArtifact' },
    });
    await client.release({
      service: 'ledger',
      environment: 'staging',
      artifactId: a1.id,
      ...jane,
      intent: { type: 'ReleaseArtifact' },
    }); // unchanged
    await client.release({
      service: 'ledger',
      environment: 'dev',
      ...jane,
      intent: { type: 'ReleaseBranch', releaseBranch: { branch: 'feature/x' } },
    });
    await client.promote({ service: 'ledger', environment: 'prod', ...jane });
    await client.release({
      service: 'ledger',
      environment: 'staging',
      artifactId: a2.id,
      ...jane,
      intent: { type: 'ReleaseArtifact' },
    });
    await client.rollback({
      service: 'ledger',
      environment: 'staging',
      ...jane,
    });

    // Policies.
    const restriction = await client.applyBranchRestrictionPolicy({
      service: 'ledger',
      environment: 'prod',
      branchRegex: 'main|release/.*',
      ...jane,
    });
    await client.listPolicies('ledger');
    await client.deletePolicies({
      service: 'ledger',
      policyIds: [restriction.id],
      ...jane,
    });

    // Rollout reports from a daemon and Flux.
    await client.daemonDeploy({
      name: 'ledger',
      namespace: 'payments',
      resourceType: 'Deployment',
      availablePods: 1,
      replicas: 2,
      artifactId: a1.id,
      environment: 'staging',
    });
    await client.daemonPodError({
      podName: 'ledger-7c9f-x2',
      namespace: 'payments',
      errors: [
        {
          name: 'ledger',
          type: 'CrashLoopBackOff',
          message: 'back-off 10s restarting failed container',
          logs: ['panic: boom'],
        },
      ],
      environment: 'staging',
      artifactId: a1.id,
    });
    await client.daemonJobError({
      jobName: 'ledger-migrate',
      errors: [
        { type: 'Failed', reason: 'BackoffLimitExceeded', message: 'x' },
      ],
      environment: 'staging',
      artifactId: a1.id,
    });
    await client.fluxEvent('prod', {
      involvedObject: {
        kind: 'Kustomization',
        namespace: 'flux-system',
        name: 'ledger',
      },
      severity: 'info',
      timestamp: '2026-11-20T10:06:00Z',
      message: 'Health check passed',
      reason: 'ReconciliationSucceeded',
      metadata: { revision: 'main@sha1:0123456789abcdef' },
      reportingController: 'kustomize-controller',
    });

    // Automatic rollback: the branch release in dev crash-loops, is rolled back to
    // the auto-released a2 and pauses auto-release (status shows it), then resumed.
    await client.applyAutoRollbackPolicy({
      service: 'ledger',
      environment: 'dev',
      onRolloutFailure: true,
      notReadyWithinMinutes: 30,
      ...jane,
    });
    await client.listPolicies('ledger');
    await client.daemonPodError({
      podName: 'ledger-5d8c-q1',
      namespace: 'payments',
      errors: [{ name: 'ledger', type: 'CrashLoopBackOff', logs: ['boom'] }],
      environment: 'dev',
      artifactId: feature.id,
    });
    await client.status('ledger'); // with autoReleasePaused in dev
    await client.listAutoRollbacks('ledger', 'dev');
    await client.describeReleases('ledger', 'dev', 3); // with autoRollback
    await client.resumeAutoRelease({
      service: 'ledger',
      environment: 'dev',
      ...jane,
    });
    await client.deleteAutoRollbackPolicy({
      service: 'ledger',
      environment: 'dev',
      ...jane,
    });

    // Safe delivery: signals, the incident freeze, freeze windows, the gates of a
    // prospective release, a release refused by a freeze (409), then breaking glass.
    await client.pushSignals('ledger', {
      health: { light: 'green', reason: 'every signal green' },
      environments: { prod: { light: 'green' } },
      incidents: [{ id: 'pd:Q1', title: 'Slow exports', urgency: 'low' }],
      observedAt: new Date().toISOString(),
      source: 'contract-test',
    });
    await client.signals('ledger');
    await client.setIncidentFreezePolicy({
      service: 'ledger',
      enabled: true,
      ...jane,
    });
    const freeze = await client.addFreeze({
      service: 'ledger',
      environment: 'prod',
      reason: 'Contract test',
      from: new Date(Date.now() - 60_000).toISOString(),
      to: new Date(Date.now() + 3_600_000).toISOString(),
      ...jane,
    });
    await client.addFreeze({
      service: 'ledger',
      environment: 'prod',
      reason: 'Weekends',
      rrule: 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=16',
      timeZone: 'Europe/Copenhagen',
      durationMinutes: 3840,
      ...jane,
    });
    await client.listFreezes('ledger');
    await client.evaluateGates({
      service: 'ledger',
      environment: 'prod',
      intent: 'Promote',
    });
    const frozen = {
      service: 'ledger',
      environment: 'prod',
      artifactId: a2.id,
      ...jane,
      intent: { type: 'ReleaseArtifact' as const },
    };
    await client.safeRelease(frozen).catch(ignore);
    await client.safeRelease({
      ...frozen,
      breakGlass: { reason: 'Hotfix during the contract test' },
    });
    await client.removeFreeze({ service: 'ledger', id: freeze.id, ...jane });

    // Reads.
    await client.status('ledger');
    await client.rolloutState('ledger');
    await client.listServices();
    await client.events({ service: 'ledger', limit: 50 });
    await client.insightsEvents({ services: ['ledger'], range: '7d' });
    await client.insightsDrift({ services: ['ledger'] });
    await client.insightsDora({
      services: ['ledger'],
      days: 30,
      incidents: [
        {
          service: 'ledger',
          openedAt: new Date().toISOString(),
          urgency: 'high',
        },
      ],
    });
    await client.describeReleases('ledger', 'staging', 5);
    await client.describeArtifacts('ledger', { count: 5 });
    await client.latestArtifact('ledger', 'main');
    await client.health();
    await raw('/metrics');
    await raw('/ping');

    // Error answers.
    await client.status('no-such-service').catch(ignore);
    await client
      .release({
        service: 'ledger',
        environment: 'prod',
        artifactId: 'Not An Id',
        ...jane,
        intent: { type: 'ReleaseArtifact' },
      })
      .catch(ignore);
    await new ReleaseManagerClient({
      baseUrl: rm.url,
      token: 'wrong',
      fetch: record,
    })
      .listServices()
      .catch(ignore);
  }, 120_000);

  afterAll(async () => {
    await rm?.stop();
  });

  it('the scenario calls every operation of the document with a success', () => {
    const succeeded = new Set(
      log
        .filter(e => e.status < 300)
        .map(e => `${e.method} ${contract.templateOf(e.path)}`),
    );
    const documented: string[] = [];
    for (const [template, ops] of Object.entries<object>(doc.paths))
      for (const method of Object.keys(ops))
        documented.push(`${method.toUpperCase()} ${template}`);
    expect(documented.filter(op => !succeeded.has(op))).toEqual([]);
    expect(log.some(e => e.status === 400)).toBe(true);
    expect(log.some(e => e.status === 401)).toBe(true);
    expect(log.some(e => e.status === 404)).toBe(true);
    expect(log.some(e => e.status === 409)).toBe(true);
  });

  it('the history shows the automatic rollback', () => {
    expect(
      log.some(
        e =>
          e.path === '/describe/release/ledger/dev' &&
          (e.responseBody as any).releases?.[0]?.autoRollback?.trigger ===
            'rollout-failed',
      ),
    ).toBe(true);
  });

  it('the status shows auto-release paused after the automatic rollback', () => {
    expect(
      log.some(
        e =>
          e.path === '/status' &&
          e.status === 200 &&
          (e.responseBody as any).dev?.autoReleasePaused?.failedArtifactId,
      ),
    ).toBe(true);
  });

  it('every request body matches its operation schema', () => {
    const problems: string[] = [];
    for (const e of log) {
      if (e.requestBody === undefined) continue;
      const template = contract.templateOf(e.path)!;
      const schema = contract.requestSchema(e.method, template);
      if (!schema) {
        problems.push(`${e.method} ${template}: body sent, none documented`);
        continue;
      }
      // Bodies the server rejected on purpose (bad input) are not checked.
      if (e.status === 400) continue;
      const verdict = contract.validate(schema, e.requestBody);
      if (!verdict.ok)
        problems.push(`${e.method} ${template} request: ${verdict.errors}`);
    }
    expect(problems).toEqual([]);
  });

  it('every response status, media type and body is documented', () => {
    const problems: string[] = [];
    for (const e of log) {
      const template = contract.templateOf(e.path)!;
      const where = `${e.method} ${template} ${e.status}`;
      const response = contract.response(e.method, template, e.status);
      if (!response) {
        problems.push(`${where}: status not documented`);
        continue;
      }
      const content = response.content ?? {};
      if (!content[e.contentType]) {
        if (e.responseBody === '' && !response.content) continue;
        problems.push(
          `${where}: ${
            e.contentType || 'no body'
          } not documented (${Object.keys(content)})`,
        );
        continue;
      }
      if (e.contentType !== 'application/json') continue;
      const verdict = contract.validate(
        content['application/json'].schema,
        e.responseBody,
      );
      if (!verdict.ok) problems.push(`${where}: ${verdict.errors}`);
    }
    expect(problems).toEqual([]);
  });

  it('fails a response with an undocumented field or without a required one', () => {
    const status = log.find(e => e.path === '/status' && e.status === 200)!;
    const schema = contract.response('GET', '/status', 200).content[
      'application/json'
    ].schema;
    const body = status.responseBody as any;
    expect(contract.validate(schema, body)).toEqual({ ok: true });
    expect(
      contract.validate(schema, {
        ...body,
        environments: [{ ...body.environments[0], surprise: 1 }],
      }),
    ).toEqual({
      ok: false,
      errors: [
        '/environments/0 must NOT have additional properties (surprise)',
      ],
    });
    const { environments, ...withoutRequired } = body;
    expect(contract.validate(schema, withoutRequired).ok).toBe(false);
  });
});
