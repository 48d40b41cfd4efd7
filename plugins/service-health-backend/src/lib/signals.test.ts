import { Entity } from '@backstage/catalog-model';
import { DEFAULT_SIGNALS } from './config';
import { fillTemplate, resolveSignals } from './signals';

const entity = (annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'ledger',
    namespace: 'default',
    annotations,
    labels: { tier: 'core' },
  },
  spec: { type: 'service' },
});

describe('resolveSignals', () => {
  it('gives a service the defaults', () => {
    expect(
      resolveSignals(entity(), DEFAULT_SIGNALS).signals.map(s => s.id),
    ).toEqual(['error-ratio', 'latency-p99', 'saturation', 'availability']);
  });

  it('overrides, removes and adds signals from the annotation', () => {
    const { signals, annotationError } = resolveSignals(
      entity({
        'slipway.dev/health-signals': JSON.stringify([
          { id: 'error-ratio', amber: 2 },
          { id: 'saturation', disabled: true },
          {
            id: 'queue',
            title: 'Queue depth',
            query: 'q',
            unit: 'messages',
            amber: 10,
            red: 100,
          },
        ]),
      }),
      DEFAULT_SIGNALS,
    );
    expect(annotationError).toBeUndefined();
    expect(signals.map(s => [s.id, s.amber])).toEqual([
      ['error-ratio', 2],
      ['latency-p99', 0.5],
      ['availability', 99],
      ['queue', 10],
    ]);
    expect(signals[0].red).toBe(5);
    expect(signals[3].direction).toBe('higher-is-worse');
  });

  it('reports a malformed annotation and keeps the defaults', () => {
    const bad = resolveSignals(
      entity({ 'slipway.dev/health-signals': '- id: x\n  title: X\n' }),
      DEFAULT_SIGNALS,
    );
    expect(bad.annotationError).toBe(
      'slipway.dev/health-signals: [0] (x): query, amber, red required for a new signal; using the default signals',
    );
    expect(bad.signals).toBe(DEFAULT_SIGNALS);
    const notYaml = resolveSignals(
      entity({ 'slipway.dev/health-signals': '[{' }),
      DEFAULT_SIGNALS,
    );
    expect(notYaml.annotationError).toMatch(/not valid YAML or JSON/);
    const wrongType = resolveSignals(
      entity({
        'slipway.dev/health-signals': '- id: error-ratio\n  amber: high\n',
      }),
      DEFAULT_SIGNALS,
    );
    expect(wrongType.annotationError).toMatch(
      /^slipway.dev\/health-signals: \[0\]\.amber: /,
    );
  });
});

describe('fillTemplate', () => {
  it('fills entity values, the selector, annotations and labels', () => {
    const e = entity({
      'slipway.dev/health-selector': 'app="ledger-v2"',
      'x.io/team': 'pay',
    });
    expect(
      fillTemplate(
        '{{name}} {{namespace}} {{kind}} { {{selector}} } {{annotations.x.io/team}} {{labels.tier}} {{other}}',
        e,
      ),
    ).toBe('ledger default component { app="ledger-v2" } pay core {{other}}');
    expect(fillTemplate('{ {{selector}} }', entity())).toBe(
      '{ service="ledger" }',
    );
  });
});
