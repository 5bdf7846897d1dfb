import { Inject, Injectable } from '@nestjs/common';
import { type MaintenanceTask, MaintenanceTaskProvider } from '@app/tenancy';
import { RealtimeEventLog } from './realtime-event-log.service';
import { REALTIME_OPTIONS, type RealtimeOptions } from './realtime.options';

/**
 * Old events leave the log on a timer too: pruning on write alone never runs in a quiet company, whose
 * log would keep customer payloads for ever (FerretDB has no TTL index to expire them).
 */
@MaintenanceTaskProvider()
@Injectable()
export class RealtimeLogRetentionTask implements MaintenanceTask {
  readonly name = 'realtime-event-log';

  constructor(
    private readonly log: RealtimeEventLog,
    @Inject(REALTIME_OPTIONS) private readonly options: RealtimeOptions,
  ) {}

  run(now: Date): Promise<number> {
    return this.log.pruneOlderThan(new Date(now.getTime() - this.options.maxEventAgeMs));
  }
}
