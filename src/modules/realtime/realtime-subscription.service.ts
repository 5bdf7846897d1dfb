import { Inject, Injectable } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { TenantRunner } from '@app/tenancy';
import { RealtimeEventLog } from './realtime-event-log.service';
import { CUSTOMER_SNAPSHOT_SOURCE, CustomerSnapshotSource } from './customer-snapshot.source';
import type { SubscribeOk, UnsubscribeOk } from './dto/realtime-ack';
import type { SubscribeDto, UnsubscribeDto } from './dto/subscribe.dto';
import { companyRoom } from './realtime-rooms';
import { RealtimeError, RealtimeErrorCode } from './realtime.errors';
import { RealtimeAccess } from './realtime-access.service';
import { REALTIME_OPTIONS, RealtimeOptions } from './realtime.options';
import { SocketIdentity } from './socket-identity';

/** Joins and leaves company rooms, and tells a subscriber where it stands. */
@Injectable()
export class RealtimeSubscriptionService {
  constructor(
    private readonly access: RealtimeAccess,
    private readonly runner: TenantRunner,
    private readonly log: RealtimeEventLog,
    @Inject(CUSTOMER_SNAPSHOT_SOURCE) private readonly snapshots: CustomerSnapshotSource,
    @Inject(REALTIME_OPTIONS) private readonly options: RealtimeOptions,
  ) {}

  /**
   * Joins the company's room first and reads the stream position after it, so nothing falls
   * between the replay and the live events: every event with a seq above the ack's `seq` arrives
   * live, and the snapshot already reflects every event up to it.
   */
  async subscribe(socket: Socket, identity: SocketIdentity, dto: SubscribeDto): Promise<SubscribeOk> {
    const room = await this.access.roomFor(identity, dto.companyId);
    const already = socket.rooms.has(room);
    if (!already && companyRooms(socket).length >= this.options.maxSubscriptionsPerSocket) {
      throw new RealtimeError(
        RealtimeErrorCode.TOO_MANY_SUBSCRIPTIONS,
        `A socket may follow at most ${this.options.maxSubscriptionsPerSocket} companies; unsubscribe from one first.`,
      );
    }
    await socket.join(room);
    // Gone while access was checked: Socket.IO would keep the dead id in the room.
    if (socket.disconnected) await socket.leave(room);
    try {
      return await this.runner.runInTenant(
        identity.tenantId,
        async () => {
          const position = await this.log.position(dto.companyId, dto.sinceSeq);
          const snapshot = await this.snapshots.firstPage(dto.companyId);
          return { ok: true as const, companyId: dto.companyId, snapshot, ...position };
        },
        identity.principal,
      );
    } catch (e) {
      if (!already) await socket.leave(room);
      throw e;
    }
  }

  async unsubscribe(socket: Socket, identity: SocketIdentity, dto: UnsubscribeDto): Promise<UnsubscribeOk> {
    await socket.leave(companyRoom(identity.tenantId, dto.companyId));
    return { ok: true, companyId: dto.companyId };
  }
}

function companyRooms(socket: Socket): string[] {
  return [...socket.rooms].filter((r) => r.startsWith('t:'));
}
