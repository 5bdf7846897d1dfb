import type { ApiRoute } from './route-table';

/** The parts of the OpenAPI document (served at /docs-json) that the suites read. */
export interface JsonSchema {
  $ref?: string;
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  example?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  nullable?: boolean;
}

interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header';
  required?: boolean;
  schema?: JsonSchema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

export interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** The documented operation of a route (`:id` in the route is `{id}` in OpenAPI). */
function operation(doc: OpenApiDoc, route: ApiRoute): Operation | undefined {
  const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  return doc.paths[path]?.[route.method.toLowerCase()];
}

/** The request body schema, with `$ref`s resolved. */
export function bodySchema(doc: OpenApiDoc, route: ApiRoute): JsonSchema | undefined {
  const schema = operation(doc, route)?.requestBody?.content?.['application/json']?.schema;
  return schema ? resolve(doc, schema) : undefined;
}

/** Documented query parameters (a query DTO's properties). */
export function queryParams(doc: OpenApiDoc, route: ApiRoute): Array<{ name: string; schema: JsonSchema }> {
  return (operation(doc, route)?.parameters ?? [])
    .filter((p) => p.in === 'query')
    .map((p) => ({ name: p.name, schema: resolve(doc, p.schema ?? {}) }));
}

export function resolve(doc: OpenApiDoc, schema: JsonSchema): JsonSchema {
  let s = schema;
  for (let depth = 0; s.$ref && depth < 10; depth++) {
    const name = s.$ref.split('/').pop() ?? '';
    s = doc.components?.schemas?.[name] ?? {};
  }
  if (s.allOf?.length) {
    return s.allOf
      .map((part) => resolve(doc, part))
      .reduce<JsonSchema>(
        (acc, part) => ({
          ...acc,
          ...part,
          properties: { ...acc.properties, ...part.properties },
          required: [...(acc.required ?? []), ...(part.required ?? [])],
        }),
        {},
      );
  }
  return s;
}

/** Values the generator must use for fields that name records (ids must exist to be valid). */
export interface KnownValues {
  companyId?: string;
  unique: string;
}

/**
 * A minimal body the route should accept: required properties only, each from its documented
 * example or enum, else a value shaped by its type and name. Good enough for routes no table
 * describes yet; the suites' own tables come first.
 */
export function minimalBody(doc: OpenApiDoc, schema: JsonSchema, known: KnownValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of schema.required ?? []) {
    out[name] = sampleValue(doc, name, resolve(doc, schema.properties?.[name] ?? {}), known);
  }
  return out;
}

function sampleValue(doc: OpenApiDoc, name: string, s: JsonSchema, known: KnownValues): unknown {
  if (name === 'companyId' && known.companyId) return known.companyId;
  if (s.example !== undefined) return s.example;
  if (s.enum?.length) return s.enum[0];
  const lower = name.toLowerCase();
  switch (s.type) {
    case 'integer':
    case 'number':
      return Math.max(s.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'array':
      return [sampleValue(doc, name.replace(/s$/, ''), resolve(doc, s.items ?? {}), known)];
    case 'object':
      return minimalBody(doc, s, known);
    default:
      if (s.format === 'date-time' || lower.endsWith('at') || lower.includes('date')) return new Date().toISOString();
      if (s.format === 'email' || lower.includes('email')) return `${known.unique}@example.test`;
      if (lower.includes('website') || lower.includes('url')) return `https://${known.unique}.example.test`;
      if (lower.includes('phone')) return '+15550100';
      return `${known.unique}-${name}`.slice(0, s.maxLength ?? 200);
  }
}
