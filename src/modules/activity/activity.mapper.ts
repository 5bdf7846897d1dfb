import { ActivityTargetType } from './activity.enums';
import type { ActivityResponse } from './dto/activity.response';
import type { ActivityLean } from './schemas/activity.schema';

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** The one way an activity leaves the module: no _id or deletedAt. */
export function toActivityResponse(a: ActivityLean): ActivityResponse {
  const on = (type: ActivityTargetType) => (a.targetType === type ? a.targetId : null);
  return {
    id: a._id.toHexString(),
    companyId: a.companyId,
    type: a.type,
    subject: a.subject,
    body: a.body ?? null,
    target: { type: a.targetType, id: a.targetId },
    customerId: a.customerId ?? null,
    leadId: on(ActivityTargetType.LEAD),
    opportunityId: on(ActivityTargetType.OPPORTUNITY),
    occurredAt: a.occurredAt.toISOString(),
    assignedTo: a.assignedTo ?? null,
    durationMinutes: a.durationMinutes ?? null,
    outcome: a.outcome ?? null,
    status: a.status ?? null,
    dueAt: iso(a.dueAt),
    completedAt: iso(a.completedAt),
    completedBy: a.completedBy ?? null,
    reopenedAt: iso(a.reopenedAt),
    reopenedBy: a.reopenedBy ?? null,
    createdBy: a.createdBy,
    updatedBy: a.updatedBy,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    version: a.version,
  };
}
