import { Logger } from '@nestjs/common';
import { EVENT_LISTENER_METADATA } from '@nestjs/event-emitter/dist/constants';
import type { TenantRunner } from '@app/tenancy';
import { CUSTOMER_EVENT_NAMES, CustomerDomainEvent, CustomerEventName } from '../customer';
import type { CustomerEventLog } from './customer-event-log.service';
import { CustomerEventRelay } from './customer-event.relay';
import { CustomerRealtimePayload, toRealtimePayload } from './realtime-payload';
import type { RealtimeGateway } from './realtime.gateway';

describe(CustomerEventRelay.name, () => {
  const published: Array<{ room: string; event: string; payload: CustomerRealtimePayload }> = [];
  const gateway = {
    publish: (room: string, event: string, payload: CustomerRealtimePayload) =>
      published.push({ room, event, payload }),
  } as unknown as RealtimeGateway;
  const runner = { runInTenant: <T>(_tenant: string, fn: () => Promise<T>) => fn() } as unknown as TenantRunner;

  let logged: jest.SpyInstance;
  beforeEach(() => {
    published.splice(0);
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => logged.mockRestore());

  const event = (companyId: string, customerId: string, name = CustomerEventName.UPDATED) =>
    new CustomerDomainEvent(name, 'acme', companyId, customerId, 'u1', new Date(0), { id: customerId, companyId }, {});

  it('listens to every customer event name', () => {
    const listeners = Reflect.getMetadata(EVENT_LISTENER_METADATA, CustomerEventRelay.prototype.relay) as Array<{
      event: string;
    }>;
    expect(listeners.map((l) => l.event).sort()).toEqual([...CUSTOMER_EVENT_NAMES].sort());
  });

  it("publishes a company's events in emit order even when logging finishes out of order", async () => {
    let seq = 0;
    const delays = [30, 0, 10];
    const log = {
      append: async (e: CustomerDomainEvent) => {
        const mine = ++seq;
        await new Promise((r) => setTimeout(r, delays[mine - 1]));
        return toRealtimePayload(e, mine);
      },
    } as unknown as CustomerEventLog;
    const sut = new CustomerEventRelay(log, runner, gateway);
    await Promise.all(['c1', 'c2', 'c3'].map((id) => sut.relay(event('company-1', id))));
    expect(published.map((p) => [p.room, p.payload.customerId, p.payload.seq])).toEqual([
      ['t:acme:c:company-1', 'c1', 1],
      ['t:acme:c:company-1', 'c2', 2],
      ['t:acme:c:company-1', 'c3', 3],
    ]);
  });

  it('still delivers live, without seq, when the event cannot be logged', async () => {
    const log = { append: () => Promise.reject(new Error('database down')) } as unknown as CustomerEventLog;
    const sut = new CustomerEventRelay(log, runner, gateway);
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
    const log = { append: jest.fn() } as unknown as CustomerEventLog;
    const sut = new CustomerEventRelay(log, runner, gateway);
    await sut.relay({ name: CustomerEventName.CREATED } as unknown as CustomerDomainEvent);
    expect(published).toEqual([]);
    expect(log.append).not.toHaveBeenCalled();
    expect(logged).toHaveBeenCalled();
  });
});
