import { commitUrl, testResults } from './releases';

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
    expect(
      commitUrl(app, 'https://git.example/{name}/-/commit/{shortSha}'),
    ).toBe('https://git.example/ledger/-/commit/0123456');
  });
  it('is undefined when a value is missing', () => {
    expect(commitUrl({ sha: 'abc' })).toBeUndefined();
    expect(commitUrl(undefined)).toBeUndefined();
  });
});

describe('testResults', () => {
  const artifact = {
    id: 'main-1-2',
    service: 'ledger',
    application: {},
    stages: [
      { id: 'test', data: { results: { passed: 10, failed: 1, skipped: 2 } } },
      {
        id: 'snyk-code',
        data: { vulnerabilities: { high: 1, medium: 2, low: 3 } },
      },
      {
        id: 'snyk-docker',
        data: { vulnerabilities: { high: 0, medium: 1, low: 0 } },
      },
    ],
  };
  it('reads the test results', () => {
    expect(testResults(artifact)).toEqual({
      passed: 10,
      failed: 1,
      skipped: 2,
    });
    expect(testResults({ ...artifact, stages: [] })).toBeUndefined();
  });
});
