import { Injectable } from '@nestjs/common';
import {
  olderThan,
  type TimelineEntry,
  type TimelineQuery,
  type TimelineSource,
  TimelineSourceProvider,
} from '../customer';
import { ActivityType, TaskStatus } from './activity.enums';
import { ActivityRepository } from './activity.repository';
import type { ActivityLean } from './schemas/activity.schema';

const LABEL: Record<ActivityType, string> = {
  [ActivityType.NOTE]: 'Note',
  [ActivityType.CALL]: 'Call',
  [ActivityType.EMAIL]: 'Email',
  [ActivityType.MEETING]: 'Meeting',
  [ActivityType.TASK]: 'Task',
};

/** The customer's live activities (its opportunities' too) on its timeline, at their occurredAt. */
/** The activity module's kind of timeline entry. */
export const ACTIVITY_TIMELINE_KIND = 'activity';

@TimelineSourceProvider(ACTIVITY_TIMELINE_KIND)
@Injectable()
export class ActivityTimelineSource implements TimelineSource {
  constructor(private readonly repo: ActivityRepository) {}

  async entries(q: TimelineQuery): Promise<TimelineEntry[]> {
    const rows = await this.repo.find(
      { customerId: q.customerId, deletedAt: null, ...olderThan(q.before, 'activity', 'occurredAt') },
      { occurredAt: -1, _id: -1 },
      q.limit,
    );
    return rows.map((a) => ({
      kind: ACTIVITY_TIMELINE_KIND,
      at: a.occurredAt,
      actor: a.createdBy,
      summary: summaryOf(a),
      ref: { type: 'activity', id: a._id.toHexString() },
      key: `activity:${a._id.toHexString()}`,
    }));
  }
}

function summaryOf(a: ActivityLean): string {
  const state = a.type === ActivityType.TASK ? ` (${a.status === TaskStatus.DONE ? 'done' : 'open'})` : '';
  return `${LABEL[a.type]}${state}: ${a.subject}`;
}
