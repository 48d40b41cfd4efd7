import {
  commitUrl,
  findBranchRestriction,
  previousEnvironment,
  testResults,
  vulnerabilities,
} from './releases';

describe('findBranchRestriction', () => {
  const restrictions = [
    { id: 'r1', environment: 'prod', branchRegex: 'main|master' },
    { id: 'r2', environment: 'staging', branchRegex: 'release/.*' },
  ];
  it('matches the whole branch name', () => {
    expect(findBranchRestriction(restrictions, 'prod', 'main')).toBeUndefined();
    expect(findBranchRestriction(restrictions, 'prod', 'mainline')).toEqual(
      restrictions[0],
    );
    expect(findBranchRestriction(restrictions, 'prod', 'feature/x')?.id).toBe(
      'r1',
    );
    expect(
      findBranchRestriction(restrictions, 'staging', 'release/1.2'),
    ).toBeUndefined();
  });
  it('ignores other environments and missing policies', () => {
    expect(findBranchRestriction(restrictions, 'dev', 'x')).toBeUndefined();
    expect(findBranchRestriction(undefined, 'prod', 'x')).toBeUndefined();
  });
});

describe('previousEnvironment', () => {
  it('is the one before in order', () => {
    expect(previousEnvironment(['dev', 'staging', 'prod'], 'prod')).toBe(
      'staging',
    );
    expect(previousEnvironment(['dev', 'staging', 'prod'], 'dev')).toBe(
      undefined,
    );
    expect(previousEnvironment(['dev'], 'qa')).toBe(undefined);
  });
});

describe('commitUrl', () => {
  const app = {
    url: 'https://github.com/acme/ledger.git',
    sha: '0123456789abcdef0123456789abcdef01234567',
    name: 'ledger',
  };
  it('defaults to {repo}/commit/{sha}', () => {
    expect(commitUrl(app)).toBe(
      'https://github.com/acme/ledger/commit/0123456789abcdef0123456789abcdef01234567',
    );
  });
  it('fills a custom template', () => {
    expect(commitUrl(app, 'https://git.example/{name}/-/commit/{shortSha}')).toBe(
      'https://git.example/ledger/-/commit/0123456',
    );
  });
  it('is undefined when a value is missing', () => {
    expect(commitUrl({ sha: 'abc' })).toBeUndefined();
    expect(commitUrl(undefined)).toBeUndefined();
  });
});

describe('stage helpers', () => {
  const artifact = {
    id: 'main-1-2',
    service: 'ledger',
    application: {},
    stages: [
      { id: 'test', data: { results: { passed: 10, failed: 1, skipped: 2 } } },
      { id: 'snyk-code', data: { vulnerabilities: { high: 1, medium: 2, low: 3 } } },
      { id: 'snyk-docker', data: { vulnerabilities: { high: 0, medium: 1, low: 0 } } },
    ],
  };
  it('reads the test results', () => {
    expect(testResults(artifact)).toEqual({ passed: 10, failed: 1, skipped: 2 });
    expect(testResults({ ...artifact, stages: [] })).toBeUndefined();
  });
  it('sums the vulnerabilities', () => {
    expect(vulnerabilities(artifact)).toEqual({ high: 1, medium: 3, low: 3 });
    expect(vulnerabilities({ ...artifact, stages: [] })).toBeUndefined();
  });
});
