import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';
import type { MaintenanceTask } from './maintenance';
import { RECORD_LOCK_MODEL } from './record-lock';
import { MaintenanceTaskProvider } from './registrations';
import { TenantConnectionRegistry } from './tenant-connection.registry';
import { TenantContext } from './tenant-context';

/** Expired this long ago, a lease's holder and any taker are long gone. */
const GRACE_MS = 60 * 60 * 1000;

/** Removes record locks and work claims whose holder died without releasing them. */
@MaintenanceTaskProvider()
@Injectable()
export class ExpiredLeaseSweep implements MaintenanceTask {
  readonly name = 'expired-leases';

  constructor(
    private readonly connections: TenantConnectionRegistry,
    private readonly context: TenantContext,
  ) {}

  async run(now: Date): Promise<number> {
    const model = this.connections.model(this.context.dbName, RECORD_LOCK_MODEL) as Model<{ expiresAt: Date }>;
    const res = await model.deleteMany({ expiresAt: { $lt: new Date(now.getTime() - GRACE_MS) } }).exec();
    return res.deletedCount;
  }
}
