import { failingLines } from '../failingLines';

describe('failingLines', () => {
  it("keeps a failed node:test case with its assertion, and the log's last lines", () => {
    const log = [
      'TAP version 13',
      'ok 1 - GET /healthz answers ok',
      '  ---',
      '  duration_ms: 12.3',
      '  ...',
      'not ok 5 - the greeting is polite',
      '  ---',
      '  duration_ms: 1.2',
      "  location: '/tmp/x/test/app.test.ts:40:1'",
      '  failureType: testCodeFailure',
      '  error: |-',
      '    Expected values to be strictly equal:',
      "    'Hello, world!' !== 'Good day, world!'",
      '  ...',
      '# pass 4',
      '# fail 1',
      'ci: FAILED: tests (ci/test.sh exited with 1)',
      '',
    ].join('\n');
    expect(failingLines(log)).toEqual([
      'not ok 5 - the greeting is polite',
      '  ---',
      '  error: |-',
      '    Expected values to be strictly equal:',
      "    'Hello, world!' !== 'Good day, world!'",
      '  ...',
      '# pass 4',
      '# fail 1',
      'ci: FAILED: tests (ci/test.sh exited with 1)',
    ]);
  });

  it('keeps Go failures and caps the result at the last max lines', () => {
    const log = ['=== RUN   TestHello', '--- FAIL: TestHello (0.00s)', '    app_test.go:30: got "x"', 'FAIL', 'exit status 1'].join('\n');
    expect(failingLines(log)).toEqual(['=== RUN   TestHello', '--- FAIL: TestHello (0.00s)', '    app_test.go:30: got "x"', 'FAIL', 'exit status 1']);
    expect(failingLines(Array.from({ length: 100 }, (_, i) => `error: ${i}`).join('\n'), 3)).toEqual(['error: 97', 'error: 98', 'error: 99']);
  });
});
