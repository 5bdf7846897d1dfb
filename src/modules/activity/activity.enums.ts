/** What kind of thing happened (or has to happen: a task). */
export enum ActivityType {
  NOTE = 'note',
  CALL = 'call',
  EMAIL = 'email',
  MEETING = 'meeting',
  TASK = 'task',
}

/** A task's state; other activities have none. */
export enum TaskStatus {
  OPEN = 'open',
  DONE = 'done',
}

/** The record an activity is about. An input field `<type>Id` names it (`customerId`, `leadId`, ...). */
export enum ActivityTargetType {
  CUSTOMER = 'customer',
  LEAD = 'lead',
  OPPORTUNITY = 'opportunity',
}

/** Types that take `durationMinutes` and `outcome`. */
export const TIMED_TYPES: readonly ActivityType[] = [ActivityType.CALL, ActivityType.MEETING];

export const MAX_SUBJECT = 200;
export const MAX_BODY = 10_000;
export const MAX_OUTCOME = 500;
/** A week: longer is a typo, not a meeting. */
export const MAX_DURATION_MINUTES = 10_080;
