import {
  ARTIFACT_ID,
  ARTIFACT_ID_MAX_LENGTH,
  DEFAULT_ENVIRONMENTS,
  RELEASE_MANAGER_SERVICE_ANNOTATION,
  artifactIdFor,
  branchMatches,
  compileBranchRegex,
  countVulnerabilities,
  findRefusingBranchRestriction,
  isArtifactId,
  isBranchName,
  isDnsLabel,
  isManifestFileName,
  isValidBranchRegex,
  previousEnvironment,
  sanitizeBranchForArtifactId,
} from './rules';
import * as index from './index';

describe('artifact ids', () => {
  it('accepts Lunar-style ids and refuses `/`, `..`, bad starts and long ids', () => {
    expect(isArtifactId('main-1a2b3c4d5e-6f7a8b9c0d')).toBe(true);
    expect(isArtifactId('v1.2_rc-abc')).toBe(true);
    expect(isArtifactId('feature/x-1a2b3c4d5e-6f7a8b9c0d')).toBe(false);
    expect(isArtifactId('a..b')).toBe(false);
    expect(isArtifactId('-main')).toBe(false);
    expect(isArtifactId('.main')).toBe(false);
    expect(isArtifactId('')).toBe(false);
    expect(isArtifactId(42)).toBe(false);
    expect(isArtifactId('a'.repeat(ARTIFACT_ID_MAX_LENGTH))).toBe(true);
    expect(isArtifactId('a'.repeat(ARTIFACT_ID_MAX_LENGTH + 1))).toBe(false);
    // The same rule as a JSON Schema pattern (string form).
    expect(new RegExp(ARTIFACT_ID.source).test('a..b')).toBe(false);
  });

  it('cleans branch names', () => {
    expect(sanitizeBranchForArtifactId('main')).toBe('main');
    expect(sanitizeBranchForArtifactId('feature/login')).toBe('feature-login');
    expect(sanitizeBranchForArtifactId('a--b')).toBe('a-b');
    expect(sanitizeBranchForArtifactId('fix..it')).toBe('fix.it');
    expect(sanitizeBranchForArtifactId('/-weird_/')).toBe('weird');
    expect(sanitizeBranchForArtifactId('Ünïcode wörds')).toBe('n-code-w-rds');
    expect(sanitizeBranchForArtifactId('/')).toBe('');
    expect(sanitizeBranchForArtifactId('x'.repeat(500))).toHaveLength(178);
  });

  it('builds <branch>-<appSha10>-<planSha10> ids that pass the rule', () => {
    const app = '1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d';
    const plan = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432';
    expect(artifactIdFor('feature/login', app, plan)).toBe(
      'feature-login-1a2b3c4d5e-9f8e7d6c5b',
    );
    const long = artifactIdFor(`${'x'.repeat(300)}/y`, app, plan);
    expect(long).toHaveLength(ARTIFACT_ID_MAX_LENGTH);
    expect(isArtifactId(long)).toBe(true);
    expect(isArtifactId(artifactIdFor('a..b//c', app, plan))).toBe(true);
    expect(() => artifactIdFor('///', app, plan)).toThrow(/no letter or digit/);
    expect(() => artifactIdFor('main', 'not-a-sha', plan)).toThrow(/appSha/);
    expect(() => artifactIdFor('main', app, '')).toThrow(/planSha/);
  });
});

describe('names', () => {
  it('checks DNS-1123 labels', () => {
    expect(isDnsLabel('payment-gateway')).toBe(true);
    expect(isDnsLabel('a')).toBe(true);
    expect(isDnsLabel('a'.repeat(63))).toBe(true);
    expect(isDnsLabel('a'.repeat(64))).toBe(false);
    expect(isDnsLabel('Payments')).toBe(false);
    expect(isDnsLabel('-a')).toBe(false);
    expect(isDnsLabel('a-')).toBe(false);
    expect(isDnsLabel('a.b')).toBe(false);
    expect(isDnsLabel(undefined)).toBe(false);
  });

  it('checks manifest file names and branch names', () => {
    expect(isManifestFileName('40-deployment.yaml')).toBe(true);
    expect(isManifestFileName('x.json')).toBe(true);
    expect(isManifestFileName('../x.yaml')).toBe(false);
    expect(isManifestFileName('dir/x.yaml')).toBe(false);
    expect(isManifestFileName('x.txt')).toBe(false);
    expect(isBranchName('feature/login')).toBe(true);
    expect(isBranchName('a..b')).toBe(false);
    expect(isBranchName('')).toBe(false);
    expect(isBranchName('a b')).toBe(false);
  });
});

describe('branch matching (whole name)', () => {
  it('matches the whole branch name, also for alternations', () => {
    expect(branchMatches('main', 'main')).toBe(true);
    expect(branchMatches('main', 'main-hotfix')).toBe(false);
    expect(branchMatches('main', 'not-main')).toBe(false);
    expect(branchMatches('a|ab', 'ab')).toBe(true);
    expect(branchMatches('a|ab', 'a')).toBe(true);
    expect(branchMatches('a|ab', 'abc')).toBe(false);
    expect(branchMatches('^(main|master)$', 'master')).toBe(true);
    expect(branchMatches('^(main|master)$', 'main2')).toBe(false);
    expect(branchMatches('release/.*', 'release/1.2')).toBe(true);
    expect(branchMatches('.*', '')).toBe(true);
  });

  it('refuses everything for an invalid regex, also one that wrapping would repair', () => {
    expect(isValidBranchRegex('main(')).toBe(false);
    expect(branchMatches('main(', 'main(')).toBe(false);
    expect(isValidBranchRegex('a)|(b')).toBe(false);
    expect(branchMatches('a)|(b', 'a')).toBe(false);
    expect(compileBranchRegex('main')?.source).toBe('^(?:main)$');
  });

  it('finds the restriction of an environment that refuses a branch', () => {
    const restrictions = [
      { id: 'g', environment: 'prod', branchRegex: '^(main|master)$' },
      { id: 's', environment: 'staging', branchRegex: 'main|release/.*' },
    ];
    expect(findRefusingBranchRestriction(restrictions, 'prod', 'main')).toBe(
      undefined,
    );
    expect(
      findRefusingBranchRestriction(restrictions, 'prod', 'feature')?.id,
    ).toBe('g');
    expect(
      findRefusingBranchRestriction(restrictions, 'staging', 'release/2'),
    ).toBe(undefined);
    expect(
      findRefusingBranchRestriction(restrictions, 'staging', undefined)?.id,
    ).toBe('s');
    expect(findRefusingBranchRestriction(restrictions, 'dev', 'x')).toBe(
      undefined,
    );
    expect(findRefusingBranchRestriction(undefined, 'dev', 'x')).toBe(
      undefined,
    );
  });
});

describe('vulnerability counts', () => {
  it('sums snyk-code and snyk-docker only', () => {
    expect(
      countVulnerabilities({
        stages: [
          { id: 'build' },
          {
            id: 'snyk-code',
            data: { vulnerabilities: { high: 1, medium: 2, low: 3 } },
          },
          {
            id: 'snyk-docker',
            data: { vulnerabilities: { high: 10, medium: 0, low: 1 } },
          },
          {
            id: 'snyk-iac',
            data: { vulnerabilities: { high: 100, medium: 100, low: 100 } },
          },
        ],
      }),
    ).toEqual({ high: 11, medium: 2, low: 4 });
  });

  it('is undefined without a scan stage and counts bad values as 0', () => {
    expect(countVulnerabilities({ stages: [{ id: 'test' }] })).toBeUndefined();
    expect(countVulnerabilities({})).toBeUndefined();
    expect(
      countVulnerabilities({
        stages: [
          { id: 'snyk-code' },
          {
            id: 'snyk-docker',
            data: { vulnerabilities: { high: -1, medium: 'x', low: 2.4 } },
          },
        ],
      }),
    ).toEqual({ high: 0, medium: 0, low: 2 });
  });
});

describe('environments', () => {
  it('has the default order and the previous environment', () => {
    expect(DEFAULT_ENVIRONMENTS).toEqual(['dev', 'staging', 'prod']);
    expect(Object.isFrozen(DEFAULT_ENVIRONMENTS)).toBe(true);
    expect(previousEnvironment(DEFAULT_ENVIRONMENTS, 'prod')).toBe('staging');
    expect(previousEnvironment(DEFAULT_ENVIRONMENTS, 'staging')).toBe('dev');
    expect(previousEnvironment(DEFAULT_ENVIRONMENTS, 'dev')).toBeUndefined();
    expect(previousEnvironment(DEFAULT_ENVIRONMENTS, 'qa')).toBeUndefined();
  });
});

describe('the package index', () => {
  it('exports the rules', () => {
    expect(index.branchMatches).toBe(branchMatches);
    expect(index.previousEnvironment).toBe(previousEnvironment);
    expect(index.artifactIdFor).toBe(artifactIdFor);
    expect(index.RELEASE_MANAGER_SERVICE_ANNOTATION).toBe(
      RELEASE_MANAGER_SERVICE_ANNOTATION,
    );
  });
});
