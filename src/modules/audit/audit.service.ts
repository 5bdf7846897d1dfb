import { Injectable, Logger } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { type FieldDiff, keysetPage, queryScope, SortSpec } from '@app/common';
import {
  type AuditRecordInput,
  type AuditSink,
  driverCollection,
  GroupedInserts,
  groupFor,
  InjectTenantModel,
  TenantContext,
  TenantModel,
} from '@app/tenancy';
import { type AuditEventResponse, AuditPageResponse, toAuditEventResponse } from './dto/audit-event.response';
import type { AuditPageQueryDto } from './dto/audit-page-query.dto';
import type { ListAuditQueryDto } from './dto/list-audit-query.dto';
import { AuditEvent, AuditEventLean } from './schemas/audit-event.schema';

const NEWEST_FIRST: SortSpec = { key: '-at', field: 'at', kind: 'date', direction: -1 };
const DEFAULT_LIMIT = 50;

/**
 * The tenant's audit log (`audit_events`). Services call `record` after each successful
 * mutation; the actor and request id come from the context, never from the caller's say-so.
 */
@Injectable()
export class AuditService implements AuditSink {
  private readonly logger = new Logger(AuditService.name);
  /** Per tenant database: the events of concurrent writes, stored together. */
  private readonly inserts = new Map<string, GroupedInserts<AuditEvent>>();

  constructor(
    @InjectTenantModel(AuditEvent.name) private readonly events: TenantModel<AuditEvent>,
    private readonly context: TenantContext,
    private readonly cls: ClsService,
  ) {}

  /**
   * Writes one audit event. Without transactions the record's write and this one can not be
   * atomic: a failure here is logged with the full event (so it can be replayed from logs)
   * instead of failing a request whose change has already been made. Events of concurrent writes go
   * to the server together (GroupedInserts: an import's rows, busy tenants), each checked against the
   * schema here first, as `create` would.
   */
  async record(input: AuditRecordInput): Promise<void> {
    const event: AuditEvent = {
      at: input.at ?? new Date(),
      actor: this.context.actor,
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId,
      companyId: input.companyId ?? null,
      changes: input.changes,
      requestId: this.cls.isActive() ? (this.cls.getId() ?? null) : null,
    };
    try {
      const model = this.events.current();
      const doc = new model(event);
      await doc.validate();
      const group = groupFor(this.inserts, model.db.name, (idle) => new GroupedInserts(driverCollection(model), idle));
      await group.add(doc.toObject() as AuditEvent);
    } catch (err) {
      this.logger.error({ err, audit: event, tenant: this.context.tenantId }, 'audit event not written');
    }
  }

  /** Events of one record, newest first. The caller has already checked the record is visible. */
  history(entityType: string, entityId: string, page: AuditPageQueryDto): Promise<AuditPageResponse> {
    return this.page({ entityType, entityId }, page, { entityType, entityId });
  }

  list(query: ListAuditQueryDto): Promise<AuditPageResponse> {
    const filter: Record<string, unknown> = {};
    if (query.entityType) filter.entityType = query.entityType;
    if (query.entityId) filter.entityId = query.entityId;
    if (query.actor) filter.actor = query.actor;
    if (query.since) filter.at = { $gte: new Date(query.since) };
    const { companies } = this.context.principal;
    if (companies) filter.companyId = { $in: companies };
    const { entityType, entityId, actor, since } = query;
    return this.page(filter, query, { entityType, entityId, actor, since });
  }

  /**
   * Events of one record with one of `actions`, newest first, at most `limit`, meeting `where` too
   * (a timeline's position). For modules that show a record's history in their own terms.
   */
  async trail(
    entityType: string,
    entityId: string,
    actions: readonly string[],
    where: Record<string, unknown>,
    limit: number,
  ): Promise<AuditEventResponse[]> {
    const rows = await this.events
      .current()
      .find({ ...where, entityType, entityId, action: { $in: [...actions] } })
      .sort({ at: -1, _id: -1 })
      .limit(limit)
      .lean<AuditEventLean[]>();
    return rows.map(toAuditEventResponse);
  }

  /** Removes every event of one record (a record that never was real data: the isolation probes). */
  async removeFor(entityType: string, entityId: string): Promise<number> {
    const res = await this.events.current().deleteMany({ entityType, entityId });
    return res.deletedCount;
  }

  /**
   * Replaces the values of `fields` in every event of one record with REDACTED (a null stays null:
   * that a field was empty says nothing personal). Idempotent; returns how many events changed.
   */
  async redact(entityType: string, entityId: string, fields: readonly string[]): Promise<number> {
    const model = this.events.current();
    const rows = await model.find({ entityType, entityId }, { changes: 1 }).lean<AuditEventLean[]>().exec();
    let changed = 0;
    for (const row of rows) {
      const changes = redacted(row.changes ?? {}, fields);
      if (!changes) continue;
      await model.updateOne({ _id: row._id }, { $set: { changes } }).exec();
      changed++;
    }
    return changed;
  }

  private async page(
    filter: Record<string, unknown>,
    page: AuditPageQueryDto,
    scopeOf: Record<string, unknown>,
  ): Promise<AuditPageResponse> {
    const { rows: data, nextCursor } = await keysetPage({
      filter,
      sort: NEWEST_FIRST,
      scope: queryScope(scopeOf),
      cursor: page.cursor,
      limit: page.limit ?? DEFAULT_LIMIT,
      find: (where, sort, limit) => this.events.current().find(where).sort(sort).limit(limit).lean<AuditEventLean[]>(),
    });
    return { data: data.map(toAuditEventResponse), nextCursor };
  }
}

/** What a redacted value reads as in the audit trail. */
export const REDACTED = '[redacted]';

/** `changes` with the values of `fields` redacted, or null when there was nothing left to redact. */
function redacted(changes: Record<string, FieldDiff>, fields: readonly string[]): Record<string, FieldDiff> | null {
  let touched = false;
  const out: Record<string, FieldDiff> = {};
  for (const [field, diff] of Object.entries(changes)) {
    if (!fields.includes(field)) {
      out[field] = diff;
      continue;
    }
    const hide = (v: unknown) => (v === null || v === undefined || v === REDACTED ? v : REDACTED);
    const next = { from: hide(diff.from), to: hide(diff.to) };
    if (next.from !== diff.from || next.to !== diff.to) touched = true;
    out[field] = next;
  }
  return touched ? out : null;
}
