import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { Socket } from 'socket.io';
import { apiKeyPrincipalId, Authenticator } from '@app/auth';
import { DomainError, ErrorKind, type Settings } from '@app/common';
import { tenancySettings } from '@app/tenancy';
import { type ApiKeyDomainEvent, ApiKeyEventName } from '../integration';
import { RealtimeGateway } from './realtime.gateway';
import { identityOf } from './socket-identity';
import { authenticateHandshake } from './socket-auth.middleware';
import { toErrorBody } from './realtime-error-body';

/**
 * An open socket keeps its credential to the rules of HTTP, not only at the handshake. A key revoked
 * through this instance ends its sockets here at once; everything else (a key revoked elsewhere, a
 * tenant suspended, removed or re-created) is caught by re-authenticating every socket's handshake
 * credential each half TENANT_CACHE_TTL_MS, so a socket outlives its credential by at most 1.5 TTL on
 * any instance. Each distinct credential is checked once per round (mostly cache hits).
 */
@Injectable()
export class SocketSessionRecheck implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SocketSessionRecheck.name);
  private readonly intervalMs: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly gateway: RealtimeGateway,
    private readonly authenticator: Authenticator,
    @Inject(tenancySettings.KEY) settings: Settings<typeof tenancySettings>,
  ) {
    this.intervalMs = Math.max(Math.floor(settings.TENANT_CACHE_TTL_MS / 2), 250);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.recheckAll(), this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  @OnEvent(ApiKeyEventName.REVOKED)
  onKeyRevoked(event: ApiKeyDomainEvent): void {
    const principal = apiKeyPrincipalId(event.apiKey.id);
    for (const socket of this.gateway.connected()) {
      const identity = identityOf(socket);
      if (identity.tenantId !== event.tenantId || identity.principal.userId !== principal) continue;
      // The code a reconnect with this key gets.
      this.gateway.endSession(
        socket,
        new DomainError(ErrorKind.UNAUTHORIZED, 'auth.invalid_api_key', 'The API key was revoked.'),
      );
    }
  }

  /** One round over every socket of this instance; overlapping calls share the round running. */
  recheckAll(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(): Promise<void> {
    const byCredential = new Map<string, Socket[]>();
    for (const socket of this.gateway.connected()) {
      const token = String((socket.handshake.auth as { token?: unknown }).token ?? '');
      const group = byCredential.get(token);
      if (group) group.push(socket);
      else byCredential.set(token, [socket]);
    }
    for (const [token, sockets] of byCredential) {
      const refusal = await authenticateHandshake(this.authenticator, { token }).then(
        () => null,
        (e: unknown) => e,
      );
      if (!refusal) continue;
      if (toErrorBody(refusal).status >= 500) {
        // The registry or database did not answer: not the client's fault; the next round decides.
        this.logger.warn({ err: refusal }, 'socket credentials not rechecked this round');
        return;
      }
      for (const socket of sockets) if (socket.connected) this.gateway.endSession(socket, refusal);
    }
  }
}
