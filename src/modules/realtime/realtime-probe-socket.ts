import { io, type Socket } from 'socket.io-client';
import type { AddressInfo } from 'node:net';
import { REALTIME_NAMESPACE } from './realtime.gateway';

/** Where this process's own HTTP server answers on loopback, or null while it is not listening. */
export function ownBaseUrl(address: string | AddressInfo | null): string | null {
  if (!address || typeof address === 'string') return null;
  const wildcard = address.address === '::' || address.address === '0.0.0.0';
  const host = wildcard ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * A real Socket.IO client of this server's `/realtime` namespace, as a browser would be: the isolation
 * check's realtime probe listens through it instead of trusting room names. Records every event.
 */
export class ProbeSocket {
  readonly received: Array<{ event: string; data: unknown }> = [];

  private constructor(private readonly socket: Socket) {
    socket.onAny((event: string, data: unknown) => this.received.push({ event, data }));
  }

  static connect(baseUrl: string, token: string, timeoutMs = 5_000): Promise<ProbeSocket> {
    const socket = io(`${baseUrl}${REALTIME_NAMESPACE}`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: timeoutMs,
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new ProbeSocket(socket)));
      socket.once('connect_error', (err) => {
        socket.close();
        reject(err);
      });
    });
  }

  /** Emits and waits for the server's ack. */
  request<T>(event: string, payload: unknown, timeoutMs = 5_000): Promise<T> {
    return this.socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
  }

  /** Resolves true once an event satisfies `match`, false after `timeoutMs`. */
  async waitFor(match: (e: { event: string; data: unknown }) => boolean, timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.received.some(match)) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
    return true;
  }

  close(): void {
    this.socket.close();
  }
}
