import { io, type Socket } from 'socket.io-client';

export type RealtimeSocket = Socket;

export interface ConnectRealtimeOptions {
  /** Handshake `auth` as sent; defaults to `{ token }`. */
  auth?: Record<string, unknown>;
  timeoutMs?: number;
}

/**
 * A socket.io-client connected to the app's `/realtime` namespace (websocket transport, no
 * automatic reconnection). Rejects with the server's connect_error (its `data` holds
 * `{ status, title, code, detail }`).
 */
export function connectRealtime(
  baseUrl: string,
  token: string | undefined,
  opts: ConnectRealtimeOptions = {},
): Promise<RealtimeSocket> {
  const socket = io(`${baseUrl}/realtime`, {
    auth: opts.auth ?? (token === undefined ? {} : { token }),
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: opts.timeoutMs ?? 5_000,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** `n` connected sockets, opened `concurrency` at a time (the bench's fan-out audience). */
export async function connectMany(
  baseUrl: string,
  token: string,
  n: number,
  concurrency = 50,
): Promise<RealtimeSocket[]> {
  const sockets: RealtimeSocket[] = [];
  try {
    for (let i = 0; i < n; i += concurrency) {
      const batch = Math.min(concurrency, n - i);
      sockets.push(...(await Promise.all(Array.from({ length: batch }, () => connectRealtime(baseUrl, token)))));
    }
  } catch (e) {
    closeAll(sockets);
    throw e;
  }
  return sockets;
}

export function closeAll(sockets: readonly RealtimeSocket[]): void {
  for (const s of sockets) s.close();
}

/** Emits and waits for the server's ack. */
export function request<T = unknown>(socket: RealtimeSocket, event: string, payload?: unknown, timeoutMs = 5_000) {
  const timed = socket.timeout(timeoutMs);
  return (payload === undefined ? timed.emitWithAck(event) : timed.emitWithAck(event, payload)) as Promise<T>;
}

/** The next `event` this socket receives. */
export function nextEvent<T = unknown>(socket: RealtimeSocket, event: string, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, onEvent);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onEvent = (data: T) => {
      clearTimeout(timer);
      resolve(data);
    };
    socket.once(event, onEvent);
  });
}

export interface ReceivedEvent<T = unknown> {
  event: string;
  data: T;
}

/** Records every event the socket receives, in order. */
export function recordEvents<T = unknown>(
  socket: RealtimeSocket,
  only: (event: string) => boolean = () => true,
): ReceivedEvent<T>[] {
  const received: ReceivedEvent<T>[] = [];
  socket.onAny((event: string, data: T) => {
    if (only(event)) received.push({ event, data });
  });
  return received;
}

/** Polls until `condition` holds; for socket deliveries, which have no request to await. */
export async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
