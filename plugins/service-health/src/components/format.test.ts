import { formatThresholds, formatValue } from './format';

describe('formatValue', () => {
  it('formats units for people', () => {
    expect(formatValue(0.5, 'percent')).toBe('0.5 %');
    expect(formatValue(99.95, 'percent')).toBe('100 %');
    expect(formatValue(12.345, 'percent')).toBe('12.3 %');
    expect(formatValue(0.2304, 'seconds')).toBe('230 ms');
    expect(formatValue(1.25, 'seconds')).toBe('1.25 s');
    expect(formatValue(0, 'releases')).toBe('0 releases');
    expect(formatValue(3.14159, '')).toBe('3.14');
  });
});

describe('formatThresholds', () => {
  it('uses the direction of the signal', () => {
    expect(
      formatThresholds({
        direction: 'lower-is-worse',
        amber: 99,
        red: 50,
        unit: 'percent',
      }),
    ).toEqual({ amber: 'amber ≤ 99 %', red: 'red ≤ 50 %' });
    expect(
      formatThresholds({
        direction: 'higher-is-worse',
        amber: 0.5,
        red: 1,
        unit: 'seconds',
      }),
    ).toEqual({ amber: 'amber ≥ 500 ms', red: 'red ≥ 1 s' });
  });
});
