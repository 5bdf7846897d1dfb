/**
 * A message for one user's own sockets (the progress of their import), not a fact about tenant data:
 * it reaches that user's realtime room only, is not logged and goes to no webhook. Emitted through
 * @nestjs/event-emitter under USER_NOTICE.
 */
export class UserNotice {
  constructor(
    readonly tenantId: string,
    readonly userId: string,
    /** The socket event name, e.g. `import.progress`. */
    readonly name: string,
    readonly payload: Record<string, unknown>,
  ) {}
}

export const USER_NOTICE = 'user.notice';
