/** Time as delivery scheduling sees it; tests replace it to walk a retry schedule without waiting. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('IntegrationClock');

export const systemClock: Clock = { now: () => new Date() };
