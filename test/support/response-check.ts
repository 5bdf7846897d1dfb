import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The parts of an OpenAPI 3.0 document the check reads. */
interface Doc {
  paths: Record<string, Record<string, { responses?: Record<string, DocResponse> }>>;
  components?: { schemas?: Record<string, unknown> };
}

interface DocResponse {
  description?: string;
  content?: Record<string, { schema?: unknown }>;
}

/** What the check needs of an HTTP answer (supertest's response has all of it). */
export interface CheckedResponse {
  method: string;
  /** Request path, with or without a query string. */
  path: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Raw body text ('' when none). */
  text: string;
}

const DOC_ID = 'openapi.json';

interface Route {
  pattern: RegExp;
  template: string;
  operations: Record<string, { responses?: Record<string, DocResponse> }>;
}

/**
 * Holds every answer of the API to its OpenAPI document: the route and status must be declared,
 * the media type must be one the status declares, and the body must match its schema, with no
 * field the schema does not name (objects in the document are closed). Paths outside the API
 * (docs, sockets) are not checked.
 */
export class ResponseChecker {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly doc: Doc) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: DOC_ID, components: { schemas: toJsonSchema(doc.components?.schemas ?? {}) } });
    // Most specific first, so `/customers/recent` wins over `/customers/{id}`.
    this.routes = Object.entries(doc.paths)
      .map(([template, operations]) => ({
        template,
        operations,
        pattern: new RegExp(
          `^${template
            .split(/(\{[^}]+\})/)
            .map((part) => (part.startsWith('{') ? '[^/]+' : escape(part)))
            .join('')}/?$`,
          'i',
        ),
      }))
      .sort((a, b) => literalLength(b.template) - literalLength(a.template));
  }

  /** Every way the answer departs from the document; empty when it conforms. */
  problems(res: CheckedResponse): string[] {
    const path = res.path.split('?')[0];
    if (!/^\/(api\/|health)/i.test(path)) return [];
    const where = `${res.method.toUpperCase()} ${path} → ${res.status}`;
    const route = this.routes.find((r) => r.pattern.test(path));
    const op = route?.operations[res.method.toLowerCase()];
    if (!route || !op) {
      // A route the API does not have: the router's own problem+json 404 is the only right answer.
      const type = mediaType(res.headers['content-type']);
      return res.status === 404 && type === 'application/problem+json'
        ? []
        : [`${where}: no documented operation for this method and path`];
    }
    const declared = op.responses?.[String(res.status)];
    if (!declared) {
      return [`${where}: status ${res.status} is not documented for ${res.method.toUpperCase()} ${route.template}`];
    }
    const content = declared.content ?? {};
    if (!res.text) {
      return Object.keys(content).length && res.method.toUpperCase() !== 'HEAD'
        ? [`${where}: empty body, but the document declares ${Object.keys(content).join(', ')}`]
        : [];
    }
    const type = mediaType(res.headers['content-type']);
    const media = content[type];
    if (!media) {
      return [
        `${where}: content type ${type || '(none)'} is not documented (declared: ${Object.keys(content).join(', ') || 'no body'})`,
      ];
    }
    if (!media.schema) return [`${where}: ${type} has no schema in the document`];
    // Streams of rows (CSV, NDJSON) are documented by media type; their rows are checked by the tests.
    if (!/(^application\/json$|\+json$)/.test(type)) return [];
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      return [`${where}: the body is not JSON`];
    }
    const validate = this.validator(`${route.template} ${res.method} ${res.status} ${type}`, media.schema);
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `${where}: body${e.instancePath || ''} ${e.message ?? 'is invalid'}${
          e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : ''
        }`,
    );
  }

  /** Throws with every problem, for use as a test assertion. */
  assert(res: CheckedResponse): void {
    const found = this.problems(res);
    if (found.length) {
      throw new Error(`The answer does not match the OpenAPI document:\n  ${found.join('\n  ')}`);
    }
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let v = this.validators.get(key);
    if (!v) {
      v = this.ajv.compile(toJsonSchema(schema) as object);
      this.validators.set(key, v);
    }
    return v;
  }
}

/**
 * OpenAPI 3.0 schema → JSON Schema: `nullable: true` becomes "or null", and `$ref`s point into the
 * document registered under DOC_ID.
 */
function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const { nullable, ...rest } = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key === '$ref' && typeof value === 'string') out[key] = value.replace(/^#/, `${DOC_ID}#`);
    else if (key === 'example' || key === 'examples') continue;
    else out[key] = toJsonSchema(value);
  }
  if (nullable !== true) return out;
  // An enum lists its values; null must be one of them too.
  if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  return { anyOf: [out, { type: 'null' }] };
}

function mediaType(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return (value ?? '').split(';')[0].trim().toLowerCase();
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function literalLength(template: string): number {
  return template.replace(/\{[^}]+\}/g, '').length;
}
