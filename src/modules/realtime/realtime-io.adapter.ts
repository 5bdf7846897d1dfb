import { INestApplication, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis, { RedisOptions } from 'ioredis';
import { once } from 'node:events';
import type { Server, ServerOptions } from 'socket.io';
import { type AppConfig, appSettings } from '@app/common';

/** Realtime messages are small JSON objects; anything bigger is refused by Socket.IO itself. */
const MAX_MESSAGE_BYTES = 64 * 1024;

const REDIS_OPTIONS: RedisOptions = {
  connectTimeout: 5_000,
  // On close, a connection to a dead server is destroyed after this instead of ioredis' 2 s.
  disconnectTimeout: 500,
  // Never give up: keep retrying with a capped backoff while Redis is away.
  retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
};

/** Channel prefix in Redis, so other Socket.IO apps on the same Redis never see our packets. */
const REDIS_KEY = 'tenant-crm';

type RedisRole = 'publisher' | 'subscriber';

const NO_DEFAULT_NAMESPACE = {
  status: 404,
  title: 'Not Found',
  code: 'realtime.unknown_namespace',
  detail: 'Connect to the /realtime namespace.',
};

/**
 * Socket.IO for the app: CORS from CORS_ORIGINS and, when REDIS_URL is set, the Redis adapter, so
 * a room broadcast reaches sockets on every instance. Redis is optional at run time: while it is
 * unreachable every broadcast still reaches this instance's sockets (the adapter delivers locally
 * before publishing), publishing fails fast instead of queueing, and the clients reconnect and
 * resubscribe on their own. The connections close with the app.
 */
export class RealtimeIoAdapter extends IoAdapter {
  private readonly logger = new Logger(RealtimeIoAdapter.name);
  private readonly redisUrl?: string;
  private readonly corsOrigins: string[];
  private pub?: Redis;
  private sub?: Redis;
  private readonly down = new Set<RedisRole>();

  constructor(app: INestApplication) {
    super(app);
    const config = app.get<AppConfig>(appSettings.KEY);
    this.redisUrl = config.REDIS_URL;
    this.corsOrigins = config.CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      serveClient: false,
      maxHttpBufferSize: MAX_MESSAGE_BYTES,
      // A connection that joins no namespace in time is dropped (Socket.IO's default is 45 s).
      connectTimeout: 10_000,
      cors: { origin: this.corsOrigins.length ? this.corsOrigins : false },
    }) as Server;
    // Only namespaces with their own auth (/realtime) are served; the default one has no purpose
    // and would otherwise accept sockets without a token.
    server.use((_socket, next) =>
      next(Object.assign(new Error('Connect to the /realtime namespace.'), { data: NO_DEFAULT_NAMESPACE })),
    );
    if (this.redisUrl) {
      this.pub ??= this.connect(this.redisUrl, 'publisher', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      // Subscriptions wait for Redis (and ioredis re-subscribes after every reconnect).
      this.sub ??= this.connect(this.redisUrl, 'subscriber', { maxRetriesPerRequest: null });
      server.adapter(createAdapter(this.pub, this.sub, { key: REDIS_KEY }));
    }
    return server;
  }

  /** 'disabled' without REDIS_URL; 'up' when both connections are ready; 'down' otherwise. */
  get redisState(): 'disabled' | 'up' | 'down' {
    if (!this.pub || !this.sub) return 'disabled';
    return this.pub.status === 'ready' && this.sub.status === 'ready' ? 'up' : 'down';
  }

  /**
   * Resolves true once both connections are ready and the adapter's subscriptions are in place
   * (a PING on the subscriber answers after them), false on timeout or without Redis.
   */
  async whenRedisReady(timeoutMs = 5_000): Promise<boolean> {
    const { pub, sub } = this;
    if (!pub || !sub) return false;
    const ready = (c: Redis) => (c.status === 'ready' ? Promise.resolve() : once(c, 'ready').then(() => undefined));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([
        Promise.all([ready(pub), ready(sub)]).then(() => sub.ping().then(() => true)),
        timeout,
      ]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    for (const client of [this.pub, this.sub]) client?.disconnect();
    this.pub = this.sub = undefined;
  }

  private connect(url: string, role: RedisRole, options: RedisOptions): Redis {
    const client = new Redis(url, { ...REDIS_OPTIONS, ...options, connectionName: `tenant-crm-${role}` });
    client.on('ready', () => {
      if (this.down.delete(role)) this.logger.log(`Redis ${role} reconnected: realtime reaches every instance again`);
    });
    client.on('error', (e: Error) => this.markDown(role, e));
    // The Redis adapter fires these without handling their promises; a rejection while Redis is
    // down must not become an unhandled rejection that takes the process down.
    const methods = role === 'publisher' ? ['publish'] : ['psubscribe', 'subscribe', 'punsubscribe', 'unsubscribe'];
    guardRejections(client, methods, (e) => this.markDown(role, e));
    return client;
  }

  /** Logs once per outage, not once per failed command. */
  private markDown(role: RedisRole, e: Error): void {
    if (this.down.has(role)) return;
    this.down.add(role);
    this.logger.warn(
      `Redis ${role} unavailable (${e.message}): realtime events reach only this instance's sockets until it is back`,
    );
  }
}

function guardRejections(client: Redis, methods: readonly string[], onError: (e: Error) => void): void {
  const target = client as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of methods) {
    const original = target[name].bind(client);
    target[name] = (...args: unknown[]) => {
      const result = original(...args);
      if (result instanceof Promise) {
        return result.catch((e: Error) => {
          onError(e);
          return undefined;
        });
      }
      return result;
    };
  }
}

const installed = new WeakMap<INestApplication, RealtimeIoAdapter>();

/** Makes the app's Socket.IO use the realtime adapter. Called once from configureApp. */
export function installRealtimeAdapter(app: INestApplication): RealtimeIoAdapter {
  const adapter = new RealtimeIoAdapter(app);
  app.useWebSocketAdapter(adapter);
  installed.set(app, adapter);
  return adapter;
}

/** The adapter installed on `app` (tests and the bench wait for Redis through it). */
export function realtimeAdapterOf(app: INestApplication): RealtimeIoAdapter | undefined {
  return installed.get(app);
}
