import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** One HTTP exchange seen by {@link recordingFetch}. */
export interface Exchange {
  method: string;
  /** URL path without the query, e.g. `/describe/artifact/ledger`. */
  path: string;
  /** The parsed JSON request body, or `undefined` when none or not JSON. */
  requestBody?: unknown;
  /** The request's raw body, when it was not JSON (e.g. a manifests upload). */
  rawRequestBody?: string;
  status: number;
  /** The response's media type without parameters, e.g. `application/json`. */
  contentType: string;
  /** Parsed JSON response body; the text for other media types. */
  responseBody: unknown;
}

/**
 * A `fetch` that forwards to the global one and appends every exchange (request and
 * response bodies, status, media type) to `log`.
 */
export function recordingFetch(log: Exchange[]): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input));
    const method = (init?.method ?? 'GET').toUpperCase();
    const response = await fetch(input, init);
    const text = await response.clone().text();
    const contentType = (response.headers.get('content-type') ?? '')
      .split(';')[0]
      .trim();
    const sent = typeof init?.body === 'string' ? init.body : undefined;
    const isJson = (init?.headers as Record<string, string> | undefined)?.[
      'content-type'
    ]?.includes('json');
    log.push({
      method,
      path: url.pathname,
      requestBody: sent !== undefined && isJson ? JSON.parse(sent) : undefined,
      rawRequestBody: sent !== undefined && !isJson ? sent : undefined,
      status: response.status,
      contentType,
      responseBody:
        contentType === 'application/json' && text ? JSON.parse(text) : text,
    });
    return response;
  };
}

/**
 * OpenAPI 3.0 schema object → JSON Schema for ajv: `nullable: true` becomes a
 * `null` alternative, and every object schema that lists `properties` without saying
 * anything about others is closed (`additionalProperties: false`), so a body with a
 * field the document does not describe fails. Returns a deep copy.
 */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    // Maps of names (properties, components) hold schemas, not keywords: recurse.
    out[key] = toJsonSchema(value);
  }
  if (out.nullable === true) {
    delete out.nullable;
    return { anyOf: [out, { type: 'null' }] };
  }
  if (
    out.properties &&
    typeof out.properties === 'object' &&
    !('additionalProperties' in out) &&
    !out.allOf &&
    !out.oneOf &&
    !out.anyOf
  ) {
    out.additionalProperties = false;
  }
  return out;
}

/** What a validation found: `ok`, or the ajv errors as readable lines. */
export type Verdict = { ok: true } | { ok: false; errors: string[] };

/**
 * Validates bodies against an OpenAPI 3.0 document's operations: the request body of
 * `method path-template`, and its response body for a status.
 */
export class OpenApiContract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly components: unknown;
  private readonly cache = new Map<string, ValidateFunction>();
  /** Path templates of the document with a regex each, most literal first. */
  readonly templates: { template: string; regex: RegExp }[];

  constructor(private readonly doc: any) {
    addFormats(this.ajv);
    this.components = toJsonSchema(doc.components);
    this.templates = Object.keys(doc.paths)
      .map(template => ({
        template,
        regex: new RegExp(
          `^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`.replace(/\./g, '\\.'),
        ),
      }))
      .sort(
        (a, b) =>
          (a.template.match(/\{/g)?.length ?? 0) -
          (b.template.match(/\{/g)?.length ?? 0),
      );
  }

  /** The path template of the document that `path` matches, or undefined. */
  templateOf(path: string): string | undefined {
    return this.templates.find(t => t.regex.test(path))?.template;
  }

  /** The operation object of `method template`, or undefined. */
  operation(method: string, template: string): any {
    return this.doc.paths[template]?.[method.toLowerCase()];
  }

  /** The JSON schema of the request body, or undefined when the operation has none. */
  requestSchema(method: string, template: string): unknown {
    const body = this.deref(this.operation(method, template)?.requestBody);
    return body?.content?.['application/json']?.schema;
  }

  /**
   * The response object of an operation for `status` (following a
   * `#/components/responses/...` reference), or undefined when not documented.
   */
  response(method: string, template: string, status: number): any {
    const op = this.operation(method, template);
    return this.deref(op?.responses?.[String(status)]);
  }

  /** Validates `body` against `schema` (an OpenAPI 3.0 schema of this document). */
  validate(schema: unknown, body: unknown): Verdict {
    const key = JSON.stringify(schema);
    let fn = this.cache.get(key);
    if (!fn) {
      fn = this.ajv.compile({
        allOf: [toJsonSchema(schema)],
        components: this.components,
      } as any);
      this.cache.set(key, fn);
    }
    if (fn(body)) return { ok: true };
    return { ok: false, errors: (fn.errors ?? []).map(describe) };
  }

  private deref(object: any): any {
    const ref: unknown = object?.$ref;
    if (typeof ref !== 'string') return object;
    const [, kind, name] = ref.match(/^#\/components\/(\w+)\/(\w+)$/) ?? [];
    return this.doc.components?.[kind]?.[name];
  }
}

function describe(e: ErrorObject): string {
  const extra =
    e.keyword === 'additionalProperties'
      ? ` (${(e.params as { additionalProperty: string }).additionalProperty})`
      : '';
  return `${e.instancePath || '/'} ${e.message}${extra}`;
}
