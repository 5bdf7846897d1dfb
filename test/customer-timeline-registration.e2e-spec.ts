import { Injectable, Module } from '@nestjs/common';
import {
  type TimelineEntry,
  type TimelineQuery,
  type TimelineSource,
  TimelineSourceProvider,
} from '../src/modules/customer';
import { expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

/** A kind no module of the product has: a module added later, declaring its one source. */
const KIND = 'call_recording';
const AT = new Date('2030-01-01T00:00:00.000Z');

@TimelineSourceProvider(KIND)
@Injectable()
class CallRecordingSource implements TimelineSource {
  readonly asked: TimelineQuery[] = [];

  async entries(q: TimelineQuery): Promise<TimelineEntry[]> {
    this.asked.push(q);
    if (q.before && q.before.at <= AT) return [];
    return [
      {
        kind: KIND,
        at: AT,
        actor: 'recorder',
        summary: 'Call recorded',
        ref: { type: 'recording', id: q.customerId },
        key: `recording:${q.customerId}`,
      },
    ];
  }
}

@Module({ providers: [CallRecordingSource] })
class CallRecordingModule {}

interface Schema {
  enum?: string[];
  items?: Schema;
  properties?: Record<string, Schema>;
}

describe('Customer timeline: a new kind of entry is one registration', () => {
  let t: TestApp;
  let a: TenantFixture;
  let customerId: string;
  beforeAll(async () => {
    t = await startTestApp((b) => b, [CallRecordingModule]);
    a = await newTenant(t, 'tlr');
    const company = await newCompany(a);
    customerId = (await a.member.post('/api/v1/customers').send({ companyId: company, name: 'Recorded' }).expect(201))
      .body.id;
    await a.member.put(`/api/v1/customers/${customerId}/status`).send({ status: 'inactive' }).expect(200);
  });
  afterAll(() => t.close());

  const timeline = (query = '') => a.viewer.get(`/api/v1/customers/${customerId}/timeline${query}`);

  it('merges the new source into the stream, filters by its kind and pages past it', async () => {
    const all = (await timeline().expect(200)).body.data as Array<{ kind: string; summary: string }>;
    expect(all.map((e) => e.kind)).toEqual([KIND, 'status_change']);
    expect(all[0].summary).toBe('Call recorded');

    const only = (await timeline(`?types=${KIND}`).expect(200)).body;
    expect(only.data.map((e: { kind: string }) => e.kind)).toEqual([KIND]);

    const first = (await timeline('?limit=1').expect(200)).body;
    expect(first.data.map((e: { kind: string }) => e.kind)).toEqual([KIND]);
    const second = (await timeline(`?limit=1&cursor=${first.nextCursor}`).expect(200)).body;
    expect(second.data.map((e: { kind: string }) => e.kind)).toEqual(['status_change']);

    const source = t.app.get(CallRecordingSource);
    source.asked.length = 0;
    await timeline('?types=status_change').expect(200);
    expect(source.asked).toEqual([]);
    expectProblem(await timeline('?types=call_recordings'), 400);
  });

  it('the OpenAPI document lists the new kind beside the product ones', () => {
    const entry = (t.openapi as unknown as { components: { schemas: Record<string, Schema> } }).components.schemas
      .TimelineEntryResponse;
    expect(entry.properties?.kind.enum).toEqual(expect.arrayContaining([KIND, 'activity', 'status_change']));
    const route = (t.openapi as unknown as { paths: Record<string, Record<string, { parameters: unknown[] }>> }).paths[
      '/api/v1/customers/{id}/timeline'
    ].get;
    const types = route.parameters.find((p) => (p as { name: string }).name === 'types') as { schema: Schema };
    expect(types.schema.items?.enum).toEqual(expect.arrayContaining([KIND, 'revenue']));
  });
});
