import { Entity } from '@backstage/catalog-model';
import {
  SERVICE_HEALTH_SELECTOR_ANNOTATION,
  SERVICE_HEALTH_SIGNALS_ANNOTATION,
  SignalDefinition,
  isServiceHealthApplicable,
} from '@slipway/plugin-service-health-common';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const annotationEntry = z.object({
  id: z.string().min(1),
  disabled: z.boolean().optional(),
  title: z.string().min(1).optional(),
  query: z.string().min(1).optional(),
  unit: z.string().optional(),
  direction: z.enum(['higher-is-worse', 'lower-is-worse']).optional(),
  amber: z.number().optional(),
  red: z.number().optional(),
  dashboard: z.string().optional(),
});
const annotationSchema = z.array(annotationEntry);

/** Signals of one entity, and what was wrong with its annotation, if anything. */
export interface ResolvedSignals {
  signals: SignalDefinition[];
  /** e.g. `slipway.dev/health-signals: [1].query: required for a new signal`. */
  annotationError?: string;
}

/**
 * The signals of an entity: the defaults (for entities {@link isServiceHealthApplicable}
 * to), merged with the entries of its `slipway.dev/health-signals` annotation (YAML or
 * JSON list; same id overrides, `disabled: true` removes, new id adds). A malformed
 * annotation is reported in `annotationError` and ignored as a whole.
 */
export function resolveSignals(
  entity: Entity,
  defaults: SignalDefinition[],
): ResolvedSignals {
  if (!isServiceHealthApplicable(entity)) return { signals: [] };
  const raw = entity.metadata.annotations?.[SERVICE_HEALTH_SIGNALS_ANNOTATION];
  if (!raw) return { signals: defaults };
  const fail = (msg: string): ResolvedSignals => ({
    signals: defaults,
    annotationError: `${SERVICE_HEALTH_SIGNALS_ANNOTATION}: ${msg}; using the default signals`,
  });
  let data: unknown;
  try {
    data = parseYaml(raw);
  } catch (e) {
    return fail(
      `not valid YAML or JSON (${(e as Error).message.split('\n')[0]})`,
    );
  }
  const parsed = annotationSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? `[${issue.path.join('].')}` : 'value';
    return fail(`${where.replace(/^\[(\d+)$/, '[$1]')}: ${issue.message}`);
  }
  const byId = new Map(defaults.map(s => [s.id, s]));
  const order = defaults.map(s => s.id);
  for (const [i, entry] of parsed.data.entries()) {
    if (entry.disabled) {
      byId.delete(entry.id);
      continue;
    }
    const base = byId.get(entry.id);
    if (!base) {
      const missing = (['title', 'query', 'amber', 'red'] as const).filter(
        k => entry[k] === undefined,
      );
      if (missing.length) {
        return fail(
          `[${i}] (${entry.id}): ${missing.join(
            ', ',
          )} required for a new signal`,
        );
      }
      order.push(entry.id);
    }
    const { disabled: _disabled, ...fields } = entry;
    byId.set(entry.id, {
      unit: '',
      direction: 'higher-is-worse',
      ...base,
      ...Object.fromEntries(
        Object.entries(fields).filter(([, v]) => v !== undefined),
      ),
    } as SignalDefinition);
  }
  return {
    signals: order.filter(id => byId.has(id)).map(id => byId.get(id)!),
  };
}

/**
 * Fills a query or dashboard template for an entity: `{{name}}`, `{{namespace}}`,
 * `{{kind}}` (lower case), `{{selector}}` (the `slipway.dev/health-selector` annotation,
 * default `service="<name>"`), `{{annotations.<key>}}` and `{{labels.<key>}}` (empty when
 * absent). Unknown placeholders are left as they are (Prometheus then reports them).
 */
export function fillTemplate(template: string, entity: Entity): string {
  const annotations = entity.metadata.annotations ?? {};
  const labels = entity.metadata.labels ?? {};
  const name = entity.metadata.name;
  const values: Record<string, string> = {
    name,
    namespace: entity.metadata.namespace ?? 'default',
    kind: entity.kind.toLocaleLowerCase('en-US'),
    selector:
      annotations[SERVICE_HEALTH_SELECTOR_ANNOTATION]?.trim() ||
      `service="${name}"`,
  };
  return template.replace(
    /\{\{\s*([a-zA-Z0-9_.\/-]+)\s*\}\}/g,
    (whole, key: string) => {
      if (key in values) return values[key];
      if (key.startsWith('annotations.')) {
        return annotations[key.slice('annotations.'.length)] ?? '';
      }
      if (key.startsWith('labels.'))
        return labels[key.slice('labels.'.length)] ?? '';
      return whole;
    },
  );
}
