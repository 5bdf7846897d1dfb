import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { Connection } from 'mongoose';

const PING_TIMEOUT_MS = 1_500;

/**
 * A real round trip to the database. Terminus's MongooseHealthIndicator only reads the
 * connection's readyState, which stays "connected" while a server hangs without closing sockets.
 */
@Injectable()
export class DatabasePingIndicator {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async ping(key: string): Promise<HealthIndicatorResult> {
    const check = this.indicators.check(key);
    const db = this.connection.db;
    if (!db) return check.down({ message: 'not connected' });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([db.admin().ping(), timeout]);
      return check.up();
    } catch (e) {
      return check.down({
        message: e instanceof Error && e.message.startsWith('no answer') ? e.message : 'unreachable',
      });
    } finally {
      clearTimeout(timer);
    }
  }
}
