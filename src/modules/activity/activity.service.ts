import { Injectable } from '@nestjs/common';
import {
  canonical,
  canSeeCompany,
  DomainError,
  ErrorKind,
  hasTenantRole,
  keysetPage,
  parseSort,
  queryScope,
  Role,
  type SortField,
} from '@app/common';
import { PublishesEvents, PurgeHooks, type RecordWriter, TenantContext, VersionedWriter } from '@app/tenancy';
import { CompanyService } from '../company';
import { ActivityTargets, type ActivityTarget, namedTarget } from './activity-targets';
import { ActivityRollups } from './activity-rollups';
import { ActivityTargetType, ActivityType, TaskStatus, TIMED_TYPES } from './activity.enums';
import { ActivityError, ActivityErrorCode, activityFieldError, activityNotFound } from './activity.errors';
import { toActivityResponse } from './activity.mapper';
import { ActivityRepository } from './activity.repository';
import type { ActivityPageResponse, ActivityResponse } from './dto/activity.response';
import type { CreateActivityDto } from './dto/create-activity.dto';
import type { ListActivitiesQueryDto } from './dto/list-activities-query.dto';
import type { UpdateActivityDto } from './dto/update-activity.dto';
import { ActivityDomainEvent, ActivityEventName } from './events/activity.events';
import type { Activity, ActivityLean } from './schemas/activity.schema';

export const ACTIVITY_ENTITY = 'activity';
/** Fields of an activity that may hold personal data: redacted in its audit trail when it is purged. */
const ACTIVITY_PERSONAL_FIELDS: readonly string[] = ['subject', 'body', 'outcome'];
const DEFAULT_LIMIT = 25;
/** Newest first; a cursor remembers (occurredAt, _id). */
const SORT_FIELDS: Readonly<Record<string, SortField>> = { occurredAt: { field: 'occurredAt', kind: 'date' } };
const NEWEST_FIRST = '-occurredAt';
/** Activities re-pointed or erased per round (each through the writer or the purge hooks). */
const BATCH = 100;

type Fields = Pick<UpdateActivityDto, 'dueAt' | 'durationMinutes' | 'outcome'>;

/**
 * Notes, calls, emails, meetings and tasks of the current tenant, each about exactly one record
 * (customer, lead, or any target type a module registers). Writes go through the shared versioned
 * writer (version-checked, audited, evented) and then refresh the customer's activity rollups.
 */
@PublishesEvents(Object.values(ActivityEventName))
@Injectable()
export class ActivityService {
  readonly records: RecordWriter<ActivityLean, ActivityResponse>;

  constructor(
    private readonly repo: ActivityRepository,
    private readonly targets: ActivityTargets,
    private readonly rollups: ActivityRollups,
    private readonly companies: CompanyService,
    private readonly context: TenantContext,
    private readonly purgeHooks: PurgeHooks,
    writer: VersionedWriter,
  ) {
    this.records = writer.for({
      entityType: ACTIVITY_ENTITY,
      store: repo,
      toResponse: toActivityResponse,
      companyOf: (a) => a.companyId,
      visible: (a, { includeDeleted }) =>
        (includeDeleted || !a.deletedAt) && canSeeCompany(this.context.principal, a.companyId),
      notFound: activityNotFound,
      stale: (expected, actual) =>
        new ActivityError(
          ActivityErrorCode.VERSION_MISMATCH,
          `Activity is at version ${actual}, the request expected ${expected}. Reload and retry.`,
          { currentVersion: actual },
        ),
      busy: () => new ActivityError(ActivityErrorCode.WRITE_CONFLICT, 'The activity is changing too fast; retry.'),
      notAudited: ['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy'],
      event: (w) =>
        new ActivityDomainEvent(
          w.name as ActivityEventName,
          w.tenantId,
          w.after.companyId,
          w.after,
          w.actor,
          w.at,
          w.name === ActivityEventName.CREATED ? {} : w.changes,
          w.requestId,
        ),
    });
  }

  async create(dto: CreateActivityDto): Promise<ActivityResponse> {
    const named = namedTarget(dto);
    const resolver = this.targets.of(named.type);
    assertFieldsFit(dto.type, dto);
    const task = dto.type === ActivityType.TASK;
    let rollupOf: string | null = null;
    const created = await resolver.attach(named.id, async (target) => {
      rollupOf = target.customerId;
      const activity = await this.records.create(
        (at, actor) => ({
          companyId: target.companyId,
          type: dto.type,
          subject: dto.subject,
          body: dto.body ?? null,
          targetType: target.type,
          targetId: target.id,
          customerId: target.customerId,
          occurredAt: dto.occurredAt ? new Date(dto.occurredAt) : at,
          assignedTo: dto.assignedTo ?? (task ? actor : null),
          durationMinutes: dto.durationMinutes ?? null,
          outcome: dto.outcome ?? null,
          status: task ? TaskStatus.OPEN : null,
          dueAt: dto.dueAt ? new Date(dto.dueAt) : null,
          completedAt: null,
          completedBy: null,
          reopenedAt: null,
          reopenedBy: null,
          deletedAt: null,
        }),
        ActivityEventName.CREATED,
      );
      // Notes, calls, emails and meetings only raise lastActivityAt: here, where a customer target's lock is
      // already held (the raise re-enters it instead of taking a second lease).
      if (!task) await this.rollups.added(rollupOf, new Date(activity.occurredAt));
      return activity;
    });
    // A new task changes openTasks: recounted (coalesced per customer) once the write is done.
    if (task) await this.rollups.refresh(rollupOf);
    return created;
  }

  async get(id: string): Promise<ActivityResponse> {
    return toActivityResponse(await this.records.load(id));
  }

  async list(query: ListActivitiesQueryDto): Promise<ActivityPageResponse> {
    const filter: Record<string, unknown> = { deletedAt: null };
    if (query.companyId) {
      await this.companies.assertVisible(query.companyId);
      filter.companyId = query.companyId;
    } else if (this.context.principal.companies) {
      filter.companyId = { $in: [...this.context.principal.companies] };
    }
    // A target filter names a record the caller must be able to see (404 otherwise, like any id).
    for (const type of Object.values(ActivityTargetType)) {
      const id = query[`${type}Id`];
      if (id === undefined) continue;
      const target = await this.targets.of(type).resolve(id);
      if (type === ActivityTargetType.CUSTOMER) filter.customerId = target.id;
      else Object.assign(filter, { targetType: type, targetId: target.id });
    }
    if (query.type) filter.type = query.type;
    if (query.assignedTo !== undefined) filter.assignedTo = query.assignedTo;
    if (query.status) filter.status = query.status;
    const dueBefore = [query.dueBefore ? new Date(query.dueBefore) : null, query.overdue ? new Date() : null].filter(
      (d): d is Date => d !== null,
    );
    if (query.overdue) {
      // A done task is never overdue.
      if (query.status === TaskStatus.DONE) return { data: [], nextCursor: null };
      filter.status = TaskStatus.OPEN;
    }
    // A task without dueAt is never due: `$lt` does not match null (and $ne says so on every server).
    if (dueBefore.length) filter.dueAt = { $ne: null, $lt: new Date(Math.min(...dueBefore.map((d) => d.getTime()))) };
    const { companyId, customerId, leadId, opportunityId, type, assignedTo, status, dueBefore: due, overdue } = query;
    const page = await keysetPage({
      filter,
      sort: parseSort(NEWEST_FIRST, SORT_FIELDS, NEWEST_FIRST),
      scope: queryScope({ companyId, customerId, leadId, opportunityId, type, assignedTo, status, due, overdue }),
      cursor: query.cursor,
      limit: query.limit ?? DEFAULT_LIMIT,
      find: (where, sort, limit) => this.repo.find(where, sort, limit),
    });
    return { data: page.rows.map(toActivityResponse), nextCursor: page.nextCursor };
  }

  /** PATCH: changes the given fields; a body that changes nothing writes nothing. */
  async update(id: string, dto: UpdateActivityDto, expectedVersion?: number): Promise<ActivityResponse> {
    for (const field of ['subject', 'occurredAt'] as const) {
      if (dto[field] === null) {
        throw new DomainError(ErrorKind.BAD_REQUEST, 'request.validation_failed', `${field} cannot be null.`, {}, [
          { path: field, message: `${field} cannot be null` },
        ]);
      }
    }
    const given: Partial<Activity> = {};
    if (dto.subject !== undefined) given.subject = dto.subject;
    if (dto.body !== undefined) given.body = dto.body;
    if (dto.occurredAt !== undefined) given.occurredAt = new Date(dto.occurredAt);
    if (dto.dueAt !== undefined) given.dueAt = dto.dueAt === null ? null : new Date(dto.dueAt);
    if (dto.assignedTo !== undefined) given.assignedTo = dto.assignedTo;
    if (dto.durationMinutes !== undefined) given.durationMinutes = dto.durationMinutes;
    if (dto.outcome !== undefined) given.outcome = dto.outcome;
    let before: ActivityLean | undefined;
    const after = await this.records.mutate(
      id,
      ActivityEventName.UPDATED,
      (current) => {
        before = current;
        assertFieldsFit(current.type, dto);
        const set: Partial<Activity> = {};
        for (const [key, value] of Object.entries(given)) {
          if (canonical(current[key as keyof Activity]) !== canonical(value)) Object.assign(set, { [key]: value });
        }
        return Object.keys(set).length ? { set } : null;
      },
      { expectedVersion },
    );
    if (before && before.occurredAt.toISOString() !== after.occurredAt) await this.rollups.refresh(before.customerId);
    return after;
  }

  /** Marks a task done, recording who and when; a done task stays as it is. */
  complete(id: string, expectedVersion?: number): Promise<ActivityResponse> {
    return this.changeTask(id, ActivityEventName.COMPLETED, expectedVersion, (t, at) =>
      t.status === TaskStatus.DONE
        ? null
        : { status: TaskStatus.DONE, completedAt: at, completedBy: this.context.actor },
    );
  }

  /**
   * Opens a done task again, recording who and when (its completion is cleared); an open task stays as
   * it is.
   */
  reopen(id: string, expectedVersion?: number): Promise<ActivityResponse> {
    return this.changeTask(id, ActivityEventName.REOPENED, expectedVersion, (t, at) =>
      t.status === TaskStatus.OPEN
        ? null
        : {
            status: TaskStatus.OPEN,
            completedAt: null,
            completedBy: null,
            reopenedAt: at,
            reopenedBy: this.context.actor,
          },
    );
  }

  /** Soft delete. A note is deleted only by its author or an admin. */
  async remove(id: string, expectedVersion?: number): Promise<void> {
    let customerId: string | null = null;
    await this.records.mutate(
      id,
      ActivityEventName.DELETED,
      (current, at) => {
        const p = this.context.principal;
        if (current.type === ActivityType.NOTE && current.createdBy !== p.userId && !hasTenantRole(p, Role.ADMIN)) {
          throw new ActivityError(ActivityErrorCode.NOT_AUTHOR, 'Only its author or an admin deletes a note.');
        }
        customerId = current.customerId;
        return { set: { deletedAt: at }, changes: { deletedAt: { from: null, to: at.toISOString() } } };
      },
      { expectedVersion },
    );
    await this.rollups.refresh(customerId);
  }

  /**
   * Moves every activity of one target (deleted ones too) to another, through the writer (each one
   * version-bumped, audited, announced as activity.updated), then recounts the new customer's rollups.
   * Idempotent and resumable: what was moved no longer matches, so a retry moves only the rest.
   */
  async repoint(from: { type: ActivityTargetType; id: string }, to: ActivityTarget): Promise<number> {
    let moved = 0;
    for (;;) {
      const ids = await this.repo.idsOfTarget(from.type, from.id, BATCH);
      if (!ids.length) break;
      for (const id of ids) {
        await this.records.mutate(
          id,
          ActivityEventName.UPDATED,
          (a) =>
            a.targetType === from.type && a.targetId === from.id
              ? { set: { targetType: to.type, targetId: to.id, customerId: to.customerId, companyId: to.companyId } }
              : null,
          { includeDeleted: true },
        );
        moved++;
      }
    }
    await this.rollups.refresh(to.customerId);
    return moved;
  }

  /**
   * A customer merge: every activity filed under one of `sourceIds` (on the customer itself, or on its
   * deals) is filed under the survivor, through the writer (activity.updated each), then the sources'
   * and the survivor's rollups are recounted. Idempotent and resumable like `repoint`.
   */
  async moveCustomers(sourceIds: readonly string[], survivorId: string): Promise<number> {
    const from = new Set(sourceIds);
    let moved = 0;
    for (;;) {
      const ids = await this.repo.idsOfCustomers(sourceIds, BATCH);
      if (!ids.length) break;
      for (const id of ids) {
        await this.records.mutate(
          id,
          ActivityEventName.UPDATED,
          (a) => {
            if (!a.customerId || !from.has(a.customerId)) return null;
            const onCustomer = a.targetType === ActivityTargetType.CUSTOMER && from.has(a.targetId);
            return { set: { customerId: survivorId, ...(onCustomer ? { targetId: survivorId } : {}) } };
          },
          { includeDeleted: true },
        );
        moved++;
      }
    }
    // The sources keep no activity: their rollups say so (a merged source still answers with them).
    for (const source of from) if (source !== survivorId) await this.rollups.refresh(source);
    await this.rollups.refresh(survivorId);
    return moved;
  }

  /** Activities filed under these customers, deleted ones too (a merge's dry run). */
  countOfCustomers(customerIds: readonly string[]): Promise<number> {
    return this.repo.countOfCustomers(customerIds);
  }

  /**
   * Removes for good every activity about a record that is itself going for good (customer, lead), and
   * lets every module erase what it keeps about each (audit trail, realtime payloads).
   */
  async eraseAbout(recordId: string, opts: { leaveNoTrace?: boolean } = {}): Promise<void> {
    for (;;) {
      const rows = await this.repo.idsAbout(recordId, BATCH);
      if (!rows.length) return;
      for (const row of rows) await this.eraseOne(row._id.toHexString(), row.companyId, opts);
    }
  }

  /** Removes one activity for good (isolation probe clean-up, purges). */
  async eraseOne(id: string, companyId: string, opts: { leaveNoTrace?: boolean } = {}): Promise<void> {
    await this.repo.remove(id);
    await this.purgeHooks.run({
      entityType: ACTIVITY_ENTITY,
      entityId: id,
      companyId,
      personalFields: ACTIVITY_PERSONAL_FIELDS,
      leaveNoTrace: opts.leaveNoTrace,
    });
  }

  /**
   * Open tasks past due at `asOf`, per customer of the company they are filed under (tasks on the
   * customer and on its deals); customers without any are absent. For analytics (health score).
   */
  overdueTasksByCustomer(companyId: string, asOf: Date): Promise<Map<string, number>> {
    return this.repo.overdueByCustomer(companyId, asOf);
  }

  /**
   * The customer's `lastActivityAt` read from its activities (what its rollup is recounted to). Readers
   * that react to an activity event use this: the event is emitted before the rollup is refreshed.
   */
  lastActivityOf(customerId: string): Promise<Date | null> {
    return this.repo.lastActivityOf(customerId);
  }

  /** The customer's open tasks past due at `asOf` (on the customer and on its deals). */
  overdueTasksOf(customerId: string, asOf: Date): Promise<number> {
    return this.repo.overdueOf(customerId, asOf);
  }

  /** Live activities filed under the company, counted up to `limit`. */
  countInCompany(companyId: string, limit: number): Promise<number> {
    return this.repo.countInCompany(companyId, limit);
  }

  private async changeTask(
    id: string,
    event: ActivityEventName,
    expectedVersion: number | undefined,
    next: (task: ActivityLean, at: Date) => Partial<Activity> | null,
  ): Promise<ActivityResponse> {
    let customerId: string | null = null;
    let changed = false;
    const after = await this.records.mutate(
      id,
      event,
      (current, at) => {
        if (current.type !== ActivityType.TASK) {
          throw new ActivityError(ActivityErrorCode.NOT_A_TASK, `Activity ${id} is a ${current.type}, not a task.`);
        }
        customerId = current.customerId;
        const set = next(current, at);
        changed = set !== null;
        return set ? { set } : null;
      },
      { expectedVersion },
    );
    if (changed) await this.rollups.refresh(customerId);
    return after;
  }
}

/** dueAt belongs to tasks, durationMinutes and outcome to calls and meetings: 400 naming the field otherwise. */
function assertFieldsFit(type: ActivityType, f: Fields): void {
  const misplaced: Array<[keyof Fields, boolean]> = [
    ['dueAt', type === ActivityType.TASK],
    ['durationMinutes', TIMED_TYPES.includes(type)],
    ['outcome', TIMED_TYPES.includes(type)],
  ];
  for (const [field, fits] of misplaced) {
    if (!fits && f[field] !== undefined && f[field] !== null) {
      throw activityFieldError(
        ActivityErrorCode.FIELD_NOT_FOR_TYPE,
        field,
        field === 'dueAt'
          ? `Only tasks have dueAt, not a ${type}.`
          : `Only calls and meetings have ${field}, not a ${type}.`,
      );
    }
  }
}
