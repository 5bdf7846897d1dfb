import { Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { TenantRunner } from '@app/tenancy';
import { CustomerDomainEvent, CustomerEventName } from '../customer';
import { LeadDomainEvent, LeadEventName } from '../lead';
import { DomainEventRelay } from './domain-event.relay';
import type { RealtimeEventLog } from './realtime-event-log.service';
import { RealtimePayload, toRealtimePayload } from './realtime-payload';
import type { RealtimeGateway } from './realtime.gateway';

describe(DomainEventRelay.name, () => {
  const published: Array<{ room: string; event: string; payload: RealtimePayload }> = [];
  const gateway = {
    publish: (room: string, event: string, payload: RealtimePayload) => published.push({ room, event, payload }),
  } as unknown as RealtimeGateway;
  const runner = { runInTenant: <T>(_tenant: string, fn: () => Promise<T>) => fn() } as unknown as TenantRunner;
  const logging = {
    appendMany: async (es: CustomerDomainEvent[]) => es.map((e) => toRealtimePayload(e, 1)),
  } as unknown as RealtimeEventLog;

  let logged: jest.SpyInstance;
  beforeEach(() => {
    published.splice(0);
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => logged.mockRestore());

  const event = (companyId: string, customerId: string, name = CustomerEventName.UPDATED) =>
    new CustomerDomainEvent(name, 'acme', companyId, customerId, 'u1', new Date(0), { id: customerId, companyId }, {});

  it('relays every domain event emitted by any module, and nothing else', async () => {
    const events = new EventEmitter2();
    const sut = new DomainEventRelay(logging, runner, gateway, events);
    sut.onModuleInit();
    events.emit(CustomerEventName.CREATED, event('company-1', 'c1', CustomerEventName.CREATED));
    events.emit(
      LeadEventName.CREATED,
      new LeadDomainEvent(LeadEventName.CREATED, 'acme', 'company-1', 'l1', 'u1', new Date(0), {}),
    );
    events.emit('something.else', { tenantId: 'acme', companyId: 'company-1' });
    await new Promise((r) => setImmediate(r));
    expect(published.map((p) => [p.room, p.event])).toEqual([
      ['t:acme:c:company-1', 'customer.created'],
      ['t:acme:c:company-1', 'lead.created'],
    ]);
    sut.onModuleDestroy();
    events.emit(CustomerEventName.CREATED, event('company-1', 'c2', CustomerEventName.CREATED));
    await new Promise((r) => setImmediate(r));
    expect(published).toHaveLength(2);
  });

  it("publishes a company's events in emit order, those queued meanwhile logged together in one round", async () => {
    let seq = 0;
    const rounds: string[][] = [];
    const log = {
      appendMany: async (es: CustomerDomainEvent[]) => {
        rounds.push(es.map((e) => e.customerId));
        // The first round is slow: the events emitted meanwhile wait and go together.
        await new Promise((r) => setTimeout(r, rounds.length === 1 ? 30 : 0));
        return es.map((e) => toRealtimePayload(e, ++seq));
      },
    } as unknown as RealtimeEventLog;
    const sut = new DomainEventRelay(log, runner, gateway, new EventEmitter2());
    await Promise.all(['c1', 'c2', 'c3'].map((id) => sut.relay(event('company-1', id))));
    expect(rounds).toEqual([['c1'], ['c2', 'c3']]);
    expect(published.map((p) => [p.room, p.payload.customerId, p.payload.seq])).toEqual([
      ['t:acme:c:company-1', 'c1', 1],
      ['t:acme:c:company-1', 'c2', 2],
      ['t:acme:c:company-1', 'c3', 3],
    ]);
  });

  it('still delivers live, without seq, when the event cannot be logged', async () => {
    const log = { appendMany: () => Promise.reject(new Error('database down')) } as unknown as RealtimeEventLog;
    const sut = new DomainEventRelay(log, runner, gateway, new EventEmitter2());
    await sut.relay(event('company-1', 'c1', CustomerEventName.DELETED));
    expect(published).toEqual([
      {
        room: 't:acme:c:company-1',
        event: 'customer.deleted',
        payload: expect.objectContaining({ customerId: 'c1', seq: null }),
      },
    ]);
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ company: 'company-1' }), expect.any(String));
  });

  it('ignores an event without tenant or company instead of publishing to a wrong room', async () => {
    const log = { appendMany: jest.fn() } as unknown as RealtimeEventLog;
    const sut = new DomainEventRelay(log, runner, gateway, new EventEmitter2());
    const malformed = Object.assign(event('company-1', 'c1'), { companyId: undefined });
    await sut.relay(malformed as unknown as CustomerDomainEvent);
    expect(published).toEqual([]);
    expect(log.appendMany).not.toHaveBeenCalled();
    expect(logged).toHaveBeenCalled();
  });
});
