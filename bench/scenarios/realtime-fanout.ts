import { EventEmitter2 } from '@nestjs/event-emitter';
import { Role } from '@app/common';
import { closeAll, connectMany, type RealtimeSocket } from '@app/testing/realtime-client';
import { CustomerService } from '../../src/modules/customer/customer.service';
import {
  CustomerDomainEvent,
  CustomerEventName,
  type CustomerSnapshot,
} from '../../src/modules/customer/events/customer.events';
import { companyRoom } from '../../src/modules/realtime/realtime-rooms';
import { RealtimeGateway } from '../../src/modules/realtime/realtime.gateway';
import { summariseSide, type Comparison } from '../support/comparison';
import { summarise } from '../support/load-result';
import type { Scenario } from '../support/scenario';

const EVENT = CustomerEventName.UPDATED;
const DELIVERY_TIMEOUT_MS = 30_000;
const SUBSCRIBE_BATCH = 50;

/**
 * One customer event fanned out to every socket in a company room. The subject is the real path
 * after a successful write: the domain event on the application's EventEmitter2, the relay
 * (tenant context, event log, seq) and the gateway's room emit. The baseline is a bare
 * `server.to(room).emit` of the same payload on the same namespace. Delivery time is measured per
 * socket from the moment the event is emitted to its arrival at the socket.io client (same
 * process, same clock), events alternating between the two sides.
 */
export const realtimeFanout: Scenario = {
  name: 'realtime-fanout',
  description: 'one customer event to N sockets in a room: relay (event log, seq) vs a bare server.to(room).emit',
  async run(s) {
    const n = s.options.sockets;
    const events = s.options.smoke ? 4 : 20;
    const tenant = await s.newTenant('realtime');
    const companyId = await s.newCompany(tenant);
    const customer = await s.inTenant(tenant, () =>
      s.app.get(CustomerService).create({ companyId, name: 'Fan-out Ltd' }),
    );
    const snapshot: CustomerSnapshot = { ...customer };
    const emitter = s.app.get(EventEmitter2);
    const gateway = s.app.get(RealtimeGateway);
    const room = companyRoom(tenant.slug, companyId);

    s.log(`realtime-fanout: connecting ${n} sockets`);
    const sockets = await connectMany(s.url, tenant.token(Role.VIEWER), n);
    try {
      for (let i = 0; i < sockets.length; i += SUBSCRIBE_BATCH) {
        const acks = await Promise.all(
          sockets
            .slice(i, i + SUBSCRIBE_BATCH)
            .map(
              (socket) =>
                socket.timeout(DELIVERY_TIMEOUT_MS).emitWithAck('subscribe', { companyId }) as Promise<{ ok: boolean }>,
            ),
        );
        if (!acks.every((a) => a.ok)) throw new Error(`subscribe refused: ${JSON.stringify(acks.find((a) => !a.ok))}`);
      }

      let payload: unknown;
      const relayed = async (k: number) => {
        const event = new CustomerDomainEvent(
          EVENT,
          tenant.slug,
          companyId,
          customer.id,
          'bench',
          new Date(),
          snapshot,
          {
            notes: { from: null, to: `note ${k}` },
          },
        );
        const delivered = await deliver(sockets, () => void emitter.emit(EVENT, event));
        payload = delivered.payload;
        return delivered.latencies;
      };
      // The same payload the relay produced, so both sides put the same bytes on the wire.
      const bare = async () => (await deliver(sockets, () => gateway.server.to(room).emit(EVENT, payload))).latencies;

      await relayed(-1);
      await bare();
      const subject: number[][] = [];
      const baseline: number[][] = [];
      for (let k = 0; k < events; k++) {
        if (k % 2 === 0) {
          subject.push(await relayed(k));
          baseline.push(await bare());
        } else {
          baseline.push(await bare());
          subject.push(await relayed(k));
        }
      }
      const comparison = fanoutComparison(n, baseline, subject);
      return {
        comparisons: [comparison],
        metrics: [
          { name: 'sockets in the room', value: n, unit: '' },
          { name: 'events per side', value: events, unit: '' },
          { name: 'relay p50 delivery', value: comparison.subject.p50, unit: 'ms' },
          { name: 'bare emit p50 delivery', value: comparison.baseline.p50, unit: 'ms' },
        ],
        notes: [
          'Each side pools the delivery times of all its events over all sockets. "ops/s" is deliveries per ' +
            'second of fan-out (sockets ÷ time until the last one had the event). The sockets are socket.io ' +
            'clients in the bench process, so their parsing shares the CPU with the server on both sides.',
          'The relay first appends the event to the company log (seq counter + insert in the tenant database) ' +
            'and then emits; that database round trip is the difference.',
        ],
      };
    } finally {
      closeAll(sockets);
    }
  },
};

/** Emits once through `trigger` and waits until every socket has the event; times are ms after the emit. */
async function deliver(
  sockets: readonly RealtimeSocket[],
  trigger: () => void,
): Promise<{ latencies: number[]; payload: unknown }> {
  let payload: unknown;
  let t0 = 0;
  const arrivals = sockets.map(
    (socket) =>
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          socket.off(EVENT, onEvent);
          reject(new Error(`a socket did not get the event within ${DELIVERY_TIMEOUT_MS} ms`));
        }, DELIVERY_TIMEOUT_MS);
        const onEvent = (data: unknown) => {
          clearTimeout(timer);
          payload = data;
          resolve(performance.now() - t0);
        };
        socket.once(EVENT, onEvent);
      }),
  );
  t0 = performance.now();
  trigger();
  return { latencies: await Promise.all(arrivals), payload };
}

function fanoutComparison(sockets: number, baseline: number[][], subject: number[][]): Comparison {
  const side = (label: string, rounds: number[][]) =>
    summariseSide(
      label,
      rounds.map((latencies) => summarise(Float64Array.from(latencies), 0, Math.max(...latencies) / 1000)),
    );
  const base = side('bare server.to(room).emit', baseline);
  const subj = side('relay (log + seq + emit)', subject);
  const pooled = (rounds: number[][]) => summarise(Float64Array.from(rounds.flat()), 0, 1);
  // Percentiles over every delivery of every event, rather than medians of per-event percentiles.
  const [b, p] = [pooled(baseline), pooled(subject)];
  Object.assign(base, { p50: b.p50, p95: b.p95, p99: b.p99 });
  Object.assign(subj, { p50: p.p50, p95: p.p95, p99: p.p99 });
  return {
    name: `one event to ${sockets} sockets: relay vs bare emit`,
    concurrency: sockets,
    roundSec: Number.NaN,
    baseline: base,
    subject: subj,
    throughputRatio: subj.opsPerSec / base.opsPerSec,
    p95Ratio: subj.p95 / base.p95,
    busyRatio: Number.NaN,
    target: { metric: 'p95Ratio', bound: 2, text: 'p95 ≤ 2×' },
  };
}
