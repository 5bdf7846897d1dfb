import { minimalBody, type OpenApiDoc, bodySchema } from './openapi';
import { API_PREFIX, type ApiRoute } from './route-table';

export interface BodyContext {
  /** The company the body files things under (the attacker puts the victim's here). */
  companyId: string;
  /** Unique text for names and keys, so repeated calls do not collide. */
  unique: string;
  /** A customer of the same tenant, for bodies that file something under one (activities, deals). */
  customerId?: string;
  /** Another customer of the same company (a merge's source); an id that names nothing when absent. */
  otherCustomerId?: string;
}

type BodyFactory = (c: BodyContext) => Record<string, unknown>;

/**
 * A minimal valid body per write route, keyed by `METHOD /pattern` without the /api/v1 prefix.
 * Routes not listed get a body generated from their OpenAPI schema, then `{}`; add an entry when
 * a generated body is not accepted (the attack suite lists such routes as weakly checked).
 */
export const VALID_BODIES: Record<string, BodyFactory> = {
  'POST /tenants': (c) => ({ slug: `x-${c.unique}`.slice(0, 39).toLowerCase(), name: `Tenant ${c.unique}` }),
  'PATCH /tenants/:slug': (c) => ({ name: `Renamed ${c.unique}` }),
  'POST /companies': (c) => ({ name: `Company ${c.unique}` }),
  'PATCH /companies/:id': (c) => ({ name: `Renamed ${c.unique}` }),
  'POST /customers': (c) => ({
    companyId: c.companyId,
    name: `Customer ${c.unique}`,
    email: `${c.unique}@example.test`,
  }),
  'PATCH /customers/:id': (c) => ({ name: `Renamed ${c.unique}` }),
  'PUT /customers/:id/status': () => ({ status: 'churned', reason: 'checked by the security suite' }),
  'PUT /customers/:id/assignee': () => ({ userId: 'attacker' }),
  'POST /customers/:id/tags': () => ({ tags: ['hijacked'] }),
  'POST /customers/:id/contacts': (c) => ({ name: `Contact ${c.unique}`, email: `c-${c.unique}@example.test` }),
  'PATCH /customers/:id/contacts/:contactId': (c) => ({ name: `Renamed ${c.unique}` }),
  'POST /customers/:id/contacts/:contactId/primary': () => ({}),
  'POST /customers/:id/revenue': (c) => ({
    amount: 100,
    purchasedAt: new Date().toISOString(),
    reference: `ref-${c.unique}`,
  }),
  'POST /customers/:id/restore': () => ({}),
  'POST /leads': (c) => ({ companyId: c.companyId, name: `Lead ${c.unique}`, email: `l-${c.unique}@example.test` }),
  'PATCH /leads/:id': (c) => ({ name: `Renamed ${c.unique}` }),
  'POST /leads/:id/convert': () => ({}),
  'POST /webhooks': (c) => ({
    url: 'http://127.0.0.1:9/hook',
    events: ['webhook.disabled'],
    companyIds: [c.companyId],
    description: `Webhook ${c.unique}`,
  }),
  'PATCH /webhooks/:id': (c) => ({ description: `Renamed ${c.unique}` }),
  'POST /webhooks/:id/rotate-secret': () => ({}),
  'POST /webhooks/:id/test': () => ({}),
  'POST /webhooks/:id/deliveries/:deliveryId/retry': () => ({}),
  'POST /activities': (c) => ({ type: 'task', subject: `Task ${c.unique}`, customerId: c.customerId }),
  'PATCH /activities/:id': (c) => ({ subject: `Renamed ${c.unique}` }),
  'POST /activities/:id/complete': () => ({}),
  'POST /activities/:id/reopen': () => ({}),
  'POST /pipelines': (c) => ({
    name: `Pipeline ${c.unique}`,
    stages: [{ key: 'first', name: 'First', probability: 20 }],
  }),
  'PATCH /pipelines/:id': (c) => ({ name: `Renamed ${c.unique}` }),
  'POST /opportunities': (c) => ({ customerId: c.customerId, name: `Deal ${c.unique}`, amount: 10 }),
  'PATCH /opportunities/:id': (c) => ({ name: `Renamed ${c.unique}` }),
  'PUT /opportunities/:id/stage': () => ({ stage: 'fixture_b' }),
  'POST /opportunities/:id/won': () => ({}),
  'POST /opportunities/:id/lost': () => ({ reason: 'checked by the security suite' }),
  'POST /opportunities/:id/reopen': () => ({}),
  'POST /customers/:id/revenue/:entryId/reverse': () => ({ reason: 'checked by the security suite' }),
  'POST /customers/:id/merge': (c) => ({ sourceIds: [c.otherCustomerId ?? 'f'.repeat(24)] }),
  'POST /api-keys': (c) => ({ name: `Key ${c.unique}`, roles: ['viewer'], companies: [c.companyId] }),
};

export function routeKey(route: Pick<ApiRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path.slice(API_PREFIX.length)}`;
}

/** Table body, else one generated from the OpenAPI schema, else `{}`; undefined for GET/DELETE without a body. */
export function validBody(route: ApiRoute, doc: OpenApiDoc, c: BodyContext): Record<string, unknown> | undefined {
  const table = VALID_BODIES[routeKey(route)];
  if (table) return table(c);
  const schema = bodySchema(doc, route);
  if (schema) return minimalBody(doc, schema, { companyId: c.companyId, unique: c.unique });
  return route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
}
