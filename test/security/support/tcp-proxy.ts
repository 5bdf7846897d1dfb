import { createServer, connect, type Socket } from 'node:net';

/** A loopback TCP proxy in front of a server, to make it slow or unresponsive on demand. */
export interface TcpProxy {
  port: number;
  /** Delays every chunk (both directions) by this many ms; 0 passes bytes straight through. */
  setDelay(ms: number): void;
  /** Swallows all traffic without answering or closing: a hung server. */
  setBlackhole(on: boolean): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let delay = 0;
  let blackhole = false;
  const sockets = new Set<Socket>();

  // Chunks keep their order: each is released no earlier than the one before it.
  const relay = (from: Socket, to: Socket): void => {
    let releaseAt = 0;
    from.on('data', (chunk: Buffer) => {
      if (blackhole) return;
      if (delay === 0 && releaseAt <= Date.now()) {
        to.write(chunk);
        return;
      }
      releaseAt = Math.max(releaseAt, Date.now() + delay);
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, releaseAt - Date.now());
    });
  };

  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('proxy did not bind');
  return {
    port: address.port,
    setDelay: (ms) => {
      delay = ms;
    },
    setBlackhole: (on) => {
      blackhole = on;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
