import type request from 'supertest';
import type { Client } from '../../support/test-app';
import { bodySchema, minimalBody, type OpenApiDoc } from './openapi';
import { VALID_BODIES } from './request-bodies';
import type { ApiRoute } from './route-table';

/** Records of one tenant, created through the API; ids are what attacks put in paths and bodies. */
export interface TenantData {
  slug: string;
  company: string;
  customer?: string;
  contact?: string;
  tag?: string;
  lead?: string;
  webhook?: string;
  /** A delivery of `webhook` (its test ping, to an address that refuses connections). */
  delivery?: string;
  apiKey?: string;
  /** A saved segment of the tenant. */
  segment?: string;
  /** A finished one-row import of customers into `company`. */
  import?: string;
  /** A task on `customer`. */
  activity?: string;
  /** A pipeline of the tenant's own (not the default one, whose id every tenant shares). */
  pipeline?: string;
  /** A deal on `customer`, in `pipeline`. */
  opportunity?: string;
  /** A revenue entry of `customer`. */
  revenueEntry?: string;
  /** A second customer of the company (the source of a merge into `customer`). */
  otherCustomer?: string;
}

/** The stages of the fixture pipeline: deals start in the first; the attack suite moves them to the second. */
export const FIXTURE_STAGES = ['fixture_a', 'fixture_b'];

/** A webhook target that refuses connections at once, on this machine: nothing is ever received. */
export const DEAD_WEBHOOK_URL = 'http://127.0.0.1:9/hook';
/** Subscribed to an event none of the suites causes, so planting a webhook plants no deliveries. */
export const QUIET_WEBHOOK_EVENTS = ['webhook.disabled'];

interface Created {
  id: string;
  body: Record<string, unknown>;
}

/**
 * Creates records through the routes that exist right now: a company always, a customer (with a
 * contact and a tag) once the customer routes exist, a lead once the lead routes exist. `marker`
 * is written into every text field, so any response that carries it has read this tenant's data.
 */
export class ApiFixtures {
  constructor(
    private readonly routes: ApiRoute[],
    private readonly doc: OpenApiDoc,
  ) {}

  has(method: string, pattern: string): boolean {
    return this.routes.some((r) => r.method === method && r.path === `/api/v1${pattern}`);
  }

  async plant(client: Client, slug: string, marker: string): Promise<TenantData> {
    const company = await this.company(client, marker);
    const data: TenantData = { slug, company };
    if (this.has('POST', '/customers')) Object.assign(data, await this.customer(client, company, marker));
    if (this.has('POST', '/leads')) data.lead = await this.lead(client, company, marker);
    if (this.has('POST', '/opportunities') && data.customer) {
      Object.assign(data, await this.opportunity(client, data.customer, marker));
    }
    if (this.has('POST', '/webhooks')) Object.assign(data, await this.webhook(client, marker));
    if (this.has('POST', '/api-keys')) data.apiKey = await this.apiKey(client, marker);
    if (this.has('POST', '/activities') && data.customer)
      data.activity = await this.activity(client, data.customer, marker);
    if (this.has('POST', '/imports')) data.import = await this.import(client, company, marker);
    return data;
  }

  /** A webhook (plus its failed test ping as a delivery), never reachable and subscribed to nothing that happens. */
  async webhook(client: Client, marker: string): Promise<{ webhook: string; delivery?: string }> {
    const res = await client
      .post('/api/v1/webhooks')
      .send({ url: DEAD_WEBHOOK_URL, events: QUIET_WEBHOOK_EVENTS, description: `${marker} webhook ${unique()}` });
    const webhook = expectCreated(res, 'POST /webhooks').id;
    if (!this.has('POST', '/webhooks/:id/test')) return { webhook };
    const ping = await client.post(`/api/v1/webhooks/${webhook}/test`).send({});
    if (ping.status !== 200) throw new Error(`POST /webhooks/:id/test answered ${ping.status}`);
    return { webhook, delivery: (ping.body as { id: string }).id };
  }

  /** A task (so complete and reopen apply) on the customer. */
  async activity(client: Client, customerId: string, marker: string): Promise<string> {
    const res = await client
      .post('/api/v1/activities')
      .send({ type: 'task', subject: `${marker} task ${unique()}`, body: `${marker} body`, customerId });
    return expectCreated(res, 'POST /activities').id;
  }

  /** A pipeline, a deal on the customer in it, and a revenue entry of the customer (needs an admin client). */
  async opportunity(
    client: Client,
    customer: string,
    marker: string,
  ): Promise<{ pipeline: string; opportunity: string; revenueEntry?: string }> {
    const stages = FIXTURE_STAGES.map((key) => ({ key, name: `${marker} ${key}`, probability: 50 }));
    const p = await client.post('/api/v1/pipelines').send({ name: `${marker} pipeline ${unique()}`, stages });
    const pipeline = expectCreated(p, 'POST /pipelines').id;
    const o = await client
      .post('/api/v1/opportunities')
      .send({ customerId: customer, pipelineId: pipeline, name: `${marker} deal`, amount: 10 });
    const opportunity = expectCreated(o, 'POST /opportunities').id;
    const r = await client
      .post(`/api/v1/customers/${customer}/revenue`)
      .send({ amount: 1, purchasedAt: new Date().toISOString(), reference: `${marker}-${unique()}` });
    if (r.status !== 200) return { pipeline, opportunity };
    const list = await client.get(`/api/v1/customers/${customer}/revenue`);
    return { pipeline, opportunity, revenueEntry: firstId(list.body?.data) };
  }

  async apiKey(client: Client, marker: string): Promise<string> {
    const res = await client.post('/api/v1/api-keys').send({ name: `${marker} key ${unique()}`, roles: ['viewer'] });
    return expectCreated(res, 'POST /api-keys').id;
  }

  /**
   * A one-row customer import into the company, waited for until it has finished (so it can be read,
   * its errors listed and reverted).
   */
  async import(client: Client, companyId: string, marker: string): Promise<string> {
    const csv = `name,email\n${marker} imported ${unique()},${unique()}@example.test\n`;
    const res = await client
      .post('/api/v1/imports')
      .field('entity', 'customers')
      .field('companyId', companyId)
      .field('mode', 'create')
      .attach('file', Buffer.from(csv, 'utf8'), 'fixture.csv');
    if (res.status !== 202) throw new Error(`POST /imports answered ${res.status}: ${JSON.stringify(res.body)}`);
    const id = (res.body as { id: string }).id;
    for (let i = 0; i < 200; i++) {
      const job = await client.get(`/api/v1/imports/${id}`);
      if (['completed', 'failed'].includes((job.body as { status: string }).status)) return id;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`import ${id} did not finish`);
  }

  /** A saved segment over the company's customers tagged with the marker. */
  async segment(client: Client, companyId: string, marker: string): Promise<string> {
    const res = await client
      .post('/api/v1/segments')
      .send({ name: `${marker} segment ${unique()}`, companyId, filter: { tag: [`${marker}tag`] } });
    return expectCreated(res, 'POST /segments').id;
  }

  async company(client: Client, marker: string): Promise<string> {
    const res = await client.post('/api/v1/companies').send({ name: `${marker} company ${unique()}` });
    return expectCreated(res, 'POST /companies').id;
  }

  async customer(
    client: Client,
    companyId: string,
    marker: string,
  ): Promise<{ customer: string; contact?: string; tag?: string }> {
    const u = unique();
    const created = await this.createWith(client, '/api/v1/customers', [
      {
        companyId,
        name: `${marker} customer ${u}`,
        email: `${marker}.${u}@example.test`,
        notes: `${marker} notes`,
        tags: [`${marker}tag`],
        contacts: [{ name: `${marker} contact`, email: `c.${marker}.${u}@example.test` }],
      },
      { ...VALID_BODIES['POST /customers']({ companyId, unique: `${marker}-${u}` }), tags: [`${marker}tag`] },
      VALID_BODIES['POST /customers']({ companyId, unique: `${marker}-${u}` }),
      this.generated('POST', '/customers', companyId, `${marker}-${u}`),
    ]);
    const id = created.id;
    let contact = firstId(created.body.contacts);
    if (!contact && this.has('POST', '/customers/:id/contacts')) {
      const res = await client
        .post(`/api/v1/customers/${id}/contacts`)
        .send({ name: `${marker} contact`, email: `c.${marker}.${u}@example.test` });
      const body = expectCreated(res, 'POST /customers/:id/contacts').body;
      contact = firstId(body.contacts) ?? (typeof body.id === 'string' && body.id !== id ? body.id : undefined);
    }
    let tags = Array.isArray(created.body.tags) ? (created.body.tags as string[]) : [];
    if (!tags.length && this.has('POST', '/customers/:id/tags')) {
      const res = await client.post(`/api/v1/customers/${id}/tags`).send({ tags: [`${marker}tag`] });
      if (res.status < 300) tags = [`${marker}tag`];
    }
    return { customer: id, contact, tag: tags[0] };
  }

  async lead(client: Client, companyId: string, marker: string): Promise<string> {
    const u = unique();
    const created = await this.createWith(client, '/api/v1/leads', [
      {
        ...VALID_BODIES['POST /leads']({ companyId, unique: `${marker}-${u}` }),
        contacts: [{ name: `${marker} lead contact`, email: `lc.${marker}.${u}@example.test` }],
      },
      VALID_BODIES['POST /leads']({ companyId, unique: `${marker}-${u}` }),
      this.generated('POST', '/leads', companyId, `${marker}-${u}`),
    ]);
    return created.id;
  }

  /** Tries each candidate body until one is accepted; fails listing every refusal otherwise. */
  private async createWith(client: Client, path: string, candidates: Array<Record<string, unknown>>): Promise<Created> {
    const refusals: string[] = [];
    for (const body of candidates) {
      const res = await client.post(path).send(body);
      if (res.status === 201 || res.status === 200) return expectCreated(res, `POST ${path}`);
      refusals.push(`${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    }
    throw new Error(
      `could not create a record through POST ${path}; add a valid body to test/security/support/request-bodies.ts\n` +
        refusals.join('\n'),
    );
  }

  private generated(method: string, pattern: string, companyId: string, u: string): Record<string, unknown> {
    const route = this.routes.find((r) => r.method === method && r.path === `/api/v1${pattern}`);
    const schema = route ? bodySchema(this.doc, route) : undefined;
    return schema ? minimalBody(this.doc, schema, { companyId, unique: u }) : {};
  }
}

function expectCreated(res: request.Response, what: string): Created {
  const body = res.body as Record<string, unknown>;
  if (res.status >= 300 || typeof body.id !== 'string') {
    throw new Error(`${what} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`);
  }
  return { id: body.id, body };
}

function firstId(list: unknown): string | undefined {
  if (!Array.isArray(list) || !list.length) return undefined;
  const first = list[0] as { id?: unknown };
  return typeof first.id === 'string' ? first.id : undefined;
}

let counter = 0;
/** Short unique text for names. */
export function unique(): string {
  counter += 1;
  return `${Date.now().toString(36)}${counter.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
