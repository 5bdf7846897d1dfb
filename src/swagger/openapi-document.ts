import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, getSchemaPath, SwaggerModule } from '@nestjs/swagger';
import type {
  HeaderObject,
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PROBLEM_CONTENT_TYPE, Role } from '@app/common';
import { ProblemDto } from './problem.dto';
import { RouteFacts, routeFacts } from './route-metadata';

export interface OpenApiOptions {
  /** Where clients reach the API (scheme, host, optional base path; no trailing slash). */
  publicUrl: string;
  /** Which deployment the server entry is (development, test, production). */
  environment: string;
}

const JSON_TYPE = 'application/json';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
type Method = (typeof METHODS)[number];

/** Statuses the platform itself can answer on any route, whatever the module. */
const PROBLEMS: Record<number, string> = {
  400: 'Invalid input: unknown field, wrong type, malformed id or header; `errors` lists each field',
  401: 'Missing, malformed, expired or wrongly signed token, or a tenant that does not exist',
  403: 'The role may not do this, or the tenant is suspended',
  404: 'Not found (also for ids of another tenant, or outside the companies the token may see)',
  409: 'Conflict with the current state of the record',
  412: 'If-Match names a version the record is no longer at; nothing was written',
  413: 'The body is larger than the configured limit',
  414: 'The request target (path and query) is longer than 8 KiB',
  415: 'The body is not JSON (`application/json`)',
  422: 'The request is well-formed but breaks a rule (limits, or an Idempotency-Key reused with another body)',
  429: 'Rate limit reached; retry after `Retry-After` seconds',
  431: 'The request headers are larger than 16 KiB',
  500: 'Unexpected error; quote `requestId` when reporting it',
  503: 'The database is not reachable or the request ran out of time; retry after `Retry-After` seconds',
};

const header = (description: string, schema: SchemaObject): HeaderObject => ({ description, schema });
const int = (description: string, max: number): HeaderObject =>
  header(description, { type: 'integer', format: 'int32', minimum: 0, maximum: max });

/** Response headers, declared once under components.headers and referenced by name. */
const HEADERS: Record<string, HeaderObject> = {
  ETag: header(
    'Versioned records: `"<version>"`, to send back in If-Match. Other bodies: a weak validator for If-None-Match.',
    { type: 'string', maxLength: 100, example: '"3"' },
  ),
  Location: header('The URL of the record just created', {
    type: 'string',
    format: 'uri-reference',
    maxLength: 2048,
  }),
  'RateLimit-Limit': int('Requests allowed in the current window (the tightest limit that applies)', 10_000_000),
  'RateLimit-Remaining': int('Requests left in the current window', 10_000_000),
  'RateLimit-Reset': int('Seconds until the current window ends', 3600),
  'Retry-After': int('Seconds to wait before retrying', 3600),
  'Idempotent-Replayed': header(
    '`true` when this is the stored answer to an earlier request with the same Idempotency-Key',
    {
      type: 'string',
      enum: ['true'],
    },
  ),
  'Access-Control-Allow-Origin': header("The request's Origin, when it is one of CORS_ORIGINS", {
    type: 'string',
    format: 'uri',
    maxLength: 2048,
  }),
};
const RATE_LIMIT = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Access-Control-Allow-Origin'];

const IF_NONE_MATCH: ParameterObject = {
  name: 'If-None-Match',
  in: 'header',
  required: false,
  description: 'An ETag of an earlier answer: when it still matches, the answer is an empty 304',
  schema: { type: 'string', maxLength: 1000, example: 'W/"2a-3kY7CmWQ3M1c2nCtoXhxR1m5O1E"' },
};

/**
 * The API's OpenAPI document: what Swagger's decorators describe, completed with what the platform
 * does on every route (problem+json errors, rate-limit, ETag and idempotency headers, 304, 412,
 * 413, 415, 429, 503, id patterns, security). Every route of every module is completed the same
 * way, so a new module only declares its own bodies and statuses.
 */
export function createOpenApiDocument(app: INestApplication, opts: OpenApiOptions): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('tenant-crm')
    .setDescription(
      [
        'Multi-tenant CRM API. Every error is `application/problem+json` (RFC 9457) with a stable `code`.',
        'Versioned records carry `ETag: "<version>"`; send it back in `If-Match` to write only over what you read.',
        'Lists are keyset-paged: `{ data, nextCursor }`; pass `nextCursor` as `cursor` for the next page.',
      ].join('\n\n'),
    )
    .setVersion('1')
    .addServer(opts.publicUrl, `${opts.environment} server (PUBLIC_URL)`)
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'HS256 JWT with `sub`, `tid` (tenant) and `roles`; validated as RFC8725 advises: the algorithm is fixed, issuer and expiry are checked.',
    })
    .build();
  const doc = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDto] });
  return completeDocument(doc, routeFacts(app));
}

export function completeDocument(doc: OpenAPIObject, facts: Map<string, RouteFacts>): OpenAPIObject {
  doc.servers = doc.servers?.map((s) => ({ ...s, 'x-internal': false }));
  doc.components = { ...doc.components, headers: { ...doc.components?.headers, ...HEADERS } };
  const tags = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const fact = op.operationId ? facts.get(op.operationId) : undefined;
      if (!fact) throw new Error(`no handler found for ${method.toUpperCase()} ${path} (${op.operationId})`);
      completeOperation(method, op, fact, doc.components.schemas ?? {});
      for (const tag of op.tags ?? []) tags.add(tag);
    }
  }
  const declared = new Set((doc.tags ?? []).map((t) => t.name));
  doc.tags = [...(doc.tags ?? []), ...[...tags].filter((t) => !declared.has(t)).map((name) => ({ name }))];
  for (const schema of Object.values(doc.components.schemas ?? {})) closeObjects(schema);
  return doc;
}

function completeOperation(
  method: Method,
  op: OperationObject,
  fact: RouteFacts,
  schemas: Record<string, SchemaObject | ReferenceObject>,
): void {
  const params = (op.parameters ?? []) as ParameterObject[];
  for (const p of params) {
    if (p.in === 'path') p.schema = fact.pathParams[p.name] ?? p.schema;
  }
  if (method === 'get') params.push(IF_NONE_MATCH);
  op.parameters = params;
  op.security = fact.isPublic ? [] : [{ bearer: [] }];
  op.description = [op.description, access(fact)].filter(Boolean).join('\n\n');

  const has = (name: string) => params.some((p) => p.in === 'header' && p.name.toLowerCase() === name);
  const body = op.requestBody as
    { content?: Record<string, { schema?: SchemaObject | ReferenceObject; example?: unknown }> } | undefined;
  const statuses = new Set<number>([400, 414, 429, 431, 500, 503]);
  if (!fact.isPublic) [401, 403].forEach((s) => statuses.add(s));
  if (!fact.isPublic && (params.some((p) => p.in === 'path' || p.in === 'query') || body)) statuses.add(404);
  if (method !== 'get' && method !== 'delete') [413, 415].forEach((s) => statuses.add(s));
  if (has('if-match')) statuses.add(412);
  const idempotent = has('idempotency-key');
  if (idempotent) [409, 422].forEach((s) => statuses.add(s));

  const responses = op.responses as Record<string, ResponseObject>;
  for (const status of statuses) {
    responses[status] ??= { description: PROBLEMS[status] };
  }
  if (method === 'get') {
    responses[304] = { description: 'Not modified: If-None-Match names the current ETag' };
  }
  for (const [code, res] of Object.entries(responses)) {
    const status = Number(code);
    if (status >= 400) {
      res.description ||= PROBLEMS[status] ?? 'Error';
      res.content = { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } };
    }
    const names = [...RATE_LIMIT];
    if (status === 304) names.push('ETag');
    if (status >= 200 && status < 300 && res.content) names.push('ETag');
    if (status === 201 && fact.createsResource && hasId(res, schemas)) names.push('Location');
    if (status >= 200 && status < 300 && idempotent) names.push('Idempotent-Replayed');
    if (status === 429 || status === 503) names.push('Retry-After');
    res.headers = { ...refs(names), ...res.headers };
  }
  // JSON bodies, and the fields of a multipart form (uploads).
  for (const type of [JSON_TYPE, 'multipart/form-data']) {
    const media = body?.content?.[type];
    if (media && media.example === undefined && media.schema) media.example = exampleOf(media.schema, schemas);
  }
}

function access(fact: RouteFacts): string {
  if (fact.isPublic) return 'Access: public, no token.';
  if (fact.platformOnly) return 'Access: platform operators (role `platform`).';
  return fact.minRole === Role.VIEWER
    ? 'Access: every tenant role (viewer, member, admin).'
    : `Access: tenant role \`${fact.minRole}\` or higher.`;
}

const refs = (names: string[]): Record<string, ReferenceObject> =>
  Object.fromEntries(names.map((n) => [n, { $ref: `#/components/headers/${n}` }]));

function hasId(res: ResponseObject, schemas: Record<string, SchemaObject | ReferenceObject>): boolean {
  const schema = res.content?.[JSON_TYPE]?.schema as ReferenceObject | undefined;
  const target = schemas[schema?.$ref?.split('/').pop() ?? ''];
  return !!target && !('$ref' in target) && !!target.properties?.id;
}

/** Objects with declared properties accept nothing else: the API refuses unknown fields and sends none. */
function closeObjects(schema: SchemaObject | ReferenceObject): void {
  if ('$ref' in schema) return;
  if (schema.properties && schema.additionalProperties === undefined) schema.additionalProperties = false;
  for (const child of [
    ...Object.values(schema.properties ?? {}),
    ...(schema.items ? [schema.items] : []),
    ...(schema.allOf ?? []),
    ...(schema.oneOf ?? []),
    ...(schema.anyOf ?? []),
  ]) {
    closeObjects(child);
  }
}

/** A request example from the examples of the body's properties (nested objects and arrays too). */
export function exampleOf(
  schema: SchemaObject | ReferenceObject,
  schemas: Record<string, SchemaObject | ReferenceObject>,
  depth = 0,
): unknown {
  if ('$ref' in schema) {
    const target = schemas[schema.$ref.split('/').pop() ?? ''];
    return target && depth < 5 ? exampleOf(target, schemas, depth + 1) : undefined;
  }
  if (schema.example !== undefined) return schema.example;
  if (schema.allOf?.length === 1) return exampleOf(schema.allOf[0], schemas, depth + 1);
  if (schema.enum?.length) return schema.enum[0];
  if (schema.type === 'array' && schema.items) {
    const item = exampleOf(schema.items, schemas, depth + 1);
    return item === undefined ? undefined : [item];
  }
  if (schema.properties) {
    const out: Record<string, unknown> = {};
    for (const [name, prop] of Object.entries(schema.properties)) {
      const value = exampleOf(prop, schemas, depth + 1);
      if (value !== undefined) out[name] = value;
    }
    return out;
  }
  if (schema.type === 'boolean') return schema.default ?? true;
  return schema.default;
}
