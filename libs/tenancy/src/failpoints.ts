import { Injectable } from '@nestjs/common';

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

  /** The next `times` passes through `point` throw FailpointCrash. */
  arm(point: string, times = 1): void {
    this.armed.set(point, times);
  }

  disarmAll(): void {
    this.armed.clear();
  }

  check(point: string): void {
    const left = this.armed.get(point);
    if (left === undefined) return;
    if (left <= 1) this.armed.delete(point);
    else this.armed.set(point, left - 1);
    throw new FailpointCrash(point);
  }
}
