import type { AuditEventResponse, AuditService } from '../../audit';
import {
  olderThan,
  type TimelineEntry,
  type TimelineKind,
  type TimelineQuery,
  type TimelineSource,
} from './timeline-source';

/**
 * A timeline source read from the audit log: the customer's own record changes (or another record
 * sharing its id, like the lead it was converted from). Subclasses say which actions become which kind
 * and how each reads.
 */
export abstract class AuditTimelineSource implements TimelineSource {
  /** The audit entity type whose events (with the customer's id) are read. */
  protected abstract readonly entityType: string;
  /** Audit action → timeline kind. */
  protected abstract readonly actions: Readonly<Record<string, TimelineKind>>;

  constructor(protected readonly audit: AuditService) {}

  protected abstract summary(event: AuditEventResponse): string;

  async entries(q: TimelineQuery): Promise<TimelineEntry[]> {
    const actions = Object.keys(this.actions).filter((a) => q.kinds.has(this.actions[a]));
    if (!actions.length) return [];
    const rows = await this.audit.trail(this.entityType, q.customerId, actions, olderThan(q.before, 'audit'), q.limit);
    return rows.map((e) => ({
      kind: this.actions[e.action],
      at: new Date(e.at),
      actor: e.actor,
      summary: this.summary(e),
      ref: { type: this.entityType, id: e.entityId },
      key: `audit:${e.id}`,
    }));
  }
}
