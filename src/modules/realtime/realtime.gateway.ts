import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { Authenticator } from '@app/auth';
import { USER_NOTICE, UserNotice } from '@app/tenancy';
import { OnEvent } from '@nestjs/event-emitter';
import type { ErrorAck, SubscribeAck, UnsubscribeAck } from './dto/realtime-ack';
import { SubscribeDto, UnsubscribeDto } from './dto/subscribe.dto';
import { parseMessage } from './parse-message';
import { toErrorBody } from './realtime-error-body';
import type { RealtimePayload } from './realtime-payload';
import { userRoom } from './realtime-rooms';
import { RealtimeSubscriptionService } from './realtime-subscription.service';
import { RealtimeError, RealtimeErrorCode } from './realtime.errors';
import { identityOf } from './socket-identity';
import { socketAuthMiddleware } from './socket-auth.middleware';

export const REALTIME_NAMESPACE = '/realtime';

/**
 * Sent to a socket right before it is disconnected because its credential no longer holds: the token
 * expired, the API key was revoked, the tenant was suspended or removed. The body's `code` says which.
 */
export const SESSION_EXPIRED_EVENT = 'session.expired';

/** setTimeout cannot wait longer than this; longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The Socket.IO face of the realtime module: handshake auth, `subscribe`/`unsubscribe` acks and
 * delivery into company rooms. Rules live in the services; feature modules never import this.
 */
@WebSocketGateway({ namespace: REALTIME_NAMESPACE })
export class RealtimeGateway
  implements OnGatewayInit<Namespace>, OnGatewayConnection<Socket>, OnGatewayDisconnect<Socket>
{
  /** The `/realtime` namespace (the bench emits through it directly for its baseline). */
  @WebSocketServer() server: Namespace;

  private readonly logger = new Logger(RealtimeGateway.name);
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly authenticator: Authenticator,
    private readonly subscriptions: RealtimeSubscriptionService,
  ) {}

  afterInit(server: Namespace): void {
    server.use(socketAuthMiddleware(this.authenticator, this.logger));
  }

  handleConnection(socket: Socket): void {
    const { expiresAt, tenantId, principal } = identityOf(socket);
    // Every socket hears the notices meant for its user (e.g. the progress of their import).
    void socket.join(userRoom(tenantId, principal.userId));
    if (expiresAt !== undefined) this.armExpiry(socket, expiresAt);
  }

  handleDisconnect(socket: Socket): void {
    clearTimeout(this.expiryTimers.get(socket.id));
    this.expiryTimers.delete(socket.id);
  }

  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<SubscribeAck> {
    try {
      return await this.subscriptions.subscribe(socket, identityOf(socket), parseMessage(SubscribeDto, body));
    } catch (e) {
      return this.errorAck(e, socket);
    }
  }

  @SubscribeMessage('unsubscribe')
  async unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<UnsubscribeAck> {
    try {
      return await this.subscriptions.unsubscribe(socket, identityOf(socket), parseMessage(UnsubscribeDto, body));
    } catch (e) {
      return this.errorAck(e, socket);
    }
  }

  /** Sends a user notice to that user's sockets, on this and (with Redis) every instance. */
  @OnEvent(USER_NOTICE)
  notify(notice: UserNotice): void {
    if (!(notice instanceof UserNotice)) return;
    this.server.to(userRoom(notice.tenantId, notice.userId)).emit(notice.name, notice.payload);
  }

  /** Sends one event to every socket in the room, on this and (with Redis) every instance. */
  publish(room: string, event: string, payload: RealtimePayload): void {
    this.server.to(room).emit(event, payload);
  }

  private errorAck(e: unknown, socket: Socket): ErrorAck {
    const error = toErrorBody(e);
    if (error.status >= 500) this.logger.error({ err: e, socket: socket.id }, 'Realtime message failed');
    return { ok: false, error };
  }

  private armExpiry(socket: Socket, expiresAt: number): void {
    const wait = expiresAt - Date.now();
    if (wait > MAX_TIMER_MS) {
      this.setTimer(socket, MAX_TIMER_MS, () => this.armExpiry(socket, expiresAt));
      return;
    }
    this.setTimer(socket, Math.max(wait, 0), () =>
      this.endSession(
        socket,
        new RealtimeError(
          RealtimeErrorCode.TOKEN_EXPIRED,
          'The token has expired. Reconnect with a fresh token and resubscribe with sinceSeq.',
        ),
      ),
    );
  }

  /** Every socket connected to this instance (none where no server runs: `npm run migrate`'s context). */
  connected(): Iterable<Socket> {
    return this.server?.sockets.values() ?? [];
  }

  /** Tells the client why, then disconnects it. */
  endSession(socket: Socket, reason: unknown): void {
    // The event first, then the namespace disconnect: both go down the same connection in order,
    // so the client learns why before it sees `disconnect` ("io server disconnect").
    socket.emit(SESSION_EXPIRED_EVENT, toErrorBody(reason));
    socket.disconnect();
  }

  private setTimer(socket: Socket, ms: number, fn: () => void): void {
    const timer = setTimeout(fn, ms);
    timer.unref();
    this.expiryTimers.set(socket.id, timer);
  }
}
