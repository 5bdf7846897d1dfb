import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Settings } from '@app/common';
import { tenancySettings } from './tenancy.settings';

/** Thrown where an armed failpoint stops the work, as if the process had died at that line. */
export class FailpointCrash extends Error {
  constructor(readonly point: string) {
    super(`failpoint ${point}: simulated crash`);
    this.name = FailpointCrash.name;
  }
}

/**
 * Named places in the crash-safety paths (outbox, webhook delivery) where a test can make the work
 * stop once, exactly as a process killed at that line would leave the database: nothing after it
 * runs. Unarmed (always, outside tests) a check is one Map lookup.
 */
@Injectable()
export class Failpoints {
  private readonly armed = new Map<string, number>();
  /** Points that kill the process outright (FAILPOINTS), for tests that run the app as a child process. */
  private readonly kills = new Set<string>();

  constructor(@Optional() @Inject(tenancySettings.KEY) settings?: Settings<typeof tenancySettings>) {
    for (const spec of settings?.FAILPOINTS?.split(',') ?? []) this.kills.add(spec.split('=')[0]);
  }

  /** The next `times` passes through `point` throw FailpointCrash. */
  arm(point: string, times = 1): void {
    this.armed.set(point, times);
  }

  disarmAll(): void {
    this.armed.clear();
  }

  check(point: string): void {
    if (this.kills.size && this.kills.has(point)) process.kill(process.pid, 'SIGKILL');
    const left = this.armed.get(point);
    if (left === undefined) return;
    if (left <= 1) this.armed.delete(point);
    else this.armed.set(point, left - 1);
    throw new FailpointCrash(point);
  }
}
