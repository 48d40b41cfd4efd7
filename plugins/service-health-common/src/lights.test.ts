import { lightForValue, worstLight } from './lights';
import { isServiceHealthApplicable } from './annotations';

describe('worstLight', () => {
  it('ignores grey unless everything is grey', () => {
    expect(worstLight(['grey', 'green'])).toBe('green');
    expect(worstLight(['green', 'amber', 'grey'])).toBe('amber');
    expect(worstLight(['amber', 'red', 'green'])).toBe('red');
    expect(worstLight(['grey', 'grey'])).toBe('grey');
    expect(worstLight([])).toBe('grey');
  });
});

describe('lightForValue', () => {
  const higher = { direction: 'higher-is-worse' as const, amber: 1, red: 5 };
  const lower = { direction: 'lower-is-worse' as const, amber: 99, red: 50 };
  it('applies higher-is-worse thresholds inclusively', () => {
    expect(lightForValue(0.5, higher)).toBe('green');
    expect(lightForValue(1, higher)).toBe('amber');
    expect(lightForValue(5, higher)).toBe('red');
  });
  it('applies lower-is-worse thresholds inclusively', () => {
    expect(lightForValue(100, lower)).toBe('green');
    expect(lightForValue(99, lower)).toBe('amber');
    expect(lightForValue(10, lower)).toBe('red');
  });
  it('never turns NaN green', () => {
    expect(lightForValue(NaN, higher)).toBe('grey');
    expect(lightForValue(Infinity, lower)).toBe('grey');
  });
});

describe('isServiceHealthApplicable', () => {
  it('applies to services and annotated entities only', () => {
    const base = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component' };
    expect(
      isServiceHealthApplicable({
        ...base,
        metadata: { name: 'a' },
        spec: { type: 'service' },
      }),
    ).toBe(true);
    expect(
      isServiceHealthApplicable({
        ...base,
        metadata: { name: 'a' },
        spec: { type: 'website' },
      }),
    ).toBe(false);
    expect(
      isServiceHealthApplicable({
        ...base,
        metadata: {
          name: 'a',
          annotations: { 'slipway.dev/health-selector': 'job="x"' },
        },
        spec: { type: 'website' },
      }),
    ).toBe(true);
  });
});
