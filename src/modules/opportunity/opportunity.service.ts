import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import {
  canSeeCompany,
  DomainError,
  ErrorKind,
  isDuplicateKeyError,
  keysetPage,
  parseSort,
  queryScope,
  RECORD_SORT_FIELDS,
  searchFilter,
  searchTokens,
  staleVersion,
} from '@app/common';
import {
  Failpoints,
  PublishesEvents,
  PurgeHooks,
  type RecordWriter,
  TenantContext,
  VersionedWriter,
} from '@app/tenancy';
import { toMinor } from '../../domain/money';
import { CompanyService } from '../company';
import { type CustomerResponse, CustomerService, RevenueSource } from '../customer';
import {
  type CreateOpportunityDto,
  DEFAULT_OPPORTUNITY_SORT,
  type ListOpportunitiesQueryDto,
  type UpdateOpportunityDto,
  type WinOpportunityDto,
} from './dto/opportunity.dto';
import type { OpportunityPageResponse, OpportunityResponse } from './dto/opportunity.response';
import { OpportunityDomainEvent, OpportunityEventName } from './events/opportunity.events';
import { OpportunityError, OpportunityErrorCode, opportunityNotFound } from './opportunity.errors';
import { toOpportunityResponse } from './opportunity.mapper';
import { OpportunityRepository } from './opportunity.repository';
import {
  ClosedStage,
  MAX_STAGE_HISTORY,
  OPPORTUNITY_ENTITY,
  OpportunityFailpoint,
  OpportunityStatus,
} from './opportunity.enums';
import { openStage, PipelineService } from './pipeline.service';
import type { OpportunityLean } from './schemas/opportunity.schema';

const DEFAULT_PAGE = 25;
const MOVE_BATCH = 100;
/** Merges that may move a deal to another customer while an activity is being filed under it, before giving up. */
const MAX_CUSTOMER_MOVES = 3;

/** Creates the deal of a lead conversion: its id is the lead's, so a conversion creates at most one. */
export interface CreateOpportunityOptions {
  leadId?: string;
}

/**
 * Deals of the current tenant: the module's public API (lead conversion creates deals through
 * `create`). Every read honours soft deletion and the principal's companies; every write goes through
 * the shared versioned writer. Winning records revenue on the customer through CustomerService
 * (reference `opportunity:<id>`, occurrence = the n-th win), reopening a won deal reverses it.
 *
 * Closing and its revenue entry are two writes without a transaction; each is idempotent, and a
 * retry of the same call heals a crash between them (won on a won deal makes sure its entry exists,
 * reopen on a reopened deal makes sure the reversal exists). A reversal is keyed by what it reverses,
 * so a win and a reopen racing on two instances leave the revenue matching the deal either way.
 */
@PublishesEvents(Object.values(OpportunityEventName))
@Injectable()
export class OpportunityService {
  readonly records: RecordWriter<OpportunityLean, OpportunityResponse>;

  constructor(
    private readonly repo: OpportunityRepository,
    private readonly pipelines: PipelineService,
    private readonly customers: CustomerService,
    private readonly companies: CompanyService,
    private readonly context: TenantContext,
    private readonly failpoints: Failpoints,
    private readonly purgeHooks: PurgeHooks,
    writer: VersionedWriter,
  ) {
    this.records = writer.for({
      entityType: OPPORTUNITY_ENTITY,
      store: repo,
      toResponse: toOpportunityResponse,
      companyOf: (o) => o.companyId,
      visible: (o, { includeDeleted }) =>
        (includeDeleted || !o.deletedAt) && canSeeCompany(this.context.principal, o.companyId),
      notFound: opportunityNotFound,
      stale: (expected, actual) => staleVersion(OPPORTUNITY_ENTITY, expected, actual),
      busy: () => new OpportunityError(OpportunityErrorCode.WRITE_CONFLICT, 'The opportunity is changing; retry.'),
      notAudited: ['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'stageHistory'],
      derive: (next, set) =>
        set.name === undefined ? {} : { nameSort: next.name.toLowerCase(), searchTokens: tokens(next.name) },
      event: (w) =>
        new OpportunityDomainEvent(
          w.name as OpportunityEventName,
          w.tenantId,
          w.after.companyId,
          w.after.id,
          w.after.customerId,
          w.actor,
          w.at,
          { ...w.after },
          w.name === OpportunityEventName.CREATED || w.name === OpportunityEventName.DELETED ? {} : w.changes,
          w.requestId,
        ),
    });
  }

  /** Under the customer's record lock: a deal lands before a merge of its customer (and moves) or 404s after. */
  create(dto: CreateOpportunityDto, opts: CreateOpportunityOptions = {}): Promise<OpportunityResponse> {
    return this.customers.whileLocked(dto.customerId, () => this.createLocked(dto, opts));
  }

  private async createLocked(dto: CreateOpportunityDto, opts: CreateOpportunityOptions): Promise<OpportunityResponse> {
    const customer = await this.customerOf(dto.customerId);
    const pipeline = await this.pipelines.resolve(dto.pipelineId);
    const stage = openStage(pipeline, dto.stage ?? pipeline.stages[0].key);
    const expectedCloseAt = dto.expectedCloseAt ? new Date(dto.expectedCloseAt) : null;
    const doc = (at: Date, actor: string) => ({
      _id: new Types.ObjectId(opts.leadId),
      companyId: customer.companyId,
      customerId: customer.id,
      pipelineId: pipeline._id.toHexString(),
      name: dto.name,
      nameSort: dto.name.toLowerCase(),
      amountMinor: toMinor(dto.amount),
      stage: stage.key,
      status: OpportunityStatus.OPEN,
      probability: stage.probability,
      expectedCloseAt,
      closedAt: null,
      closeDate: expectedCloseAt,
      ownerId: dto.ownerId ?? null,
      lostReason: null,
      reopenStage: null,
      winSeq: 0,
      leadId: opts.leadId ?? null,
      stageHistory: [{ from: null, to: stage.key, by: actor, at }],
      searchTokens: tokens(dto.name),
      deletedAt: null,
    });
    try {
      return await this.records.create(doc, OpportunityEventName.CREATED);
    } catch (e) {
      if (opts.leadId && isDuplicateKeyError(e)) return toOpportunityResponse(await this.records.load(opts.leadId));
      throw e;
    }
  }

  async get(id: string): Promise<OpportunityResponse> {
    return toOpportunityResponse(await this.records.load(id));
  }

  /**
   * The deal if it and its customer are both live and visible to the caller (what an activity may be
   * filed under); otherwise opportunity.not_found (404), so a closed deal of a deleted customer, a
   * deleted deal and another tenant's deal all answer the same.
   */
  async getWithLiveCustomer(id: string): Promise<OpportunityResponse> {
    const deal = await this.get(id);
    try {
      await this.customers.get(deal.customerId);
    } catch (e) {
      if (e instanceof DomainError && e.kind === ErrorKind.NOT_FOUND) throw opportunityNotFound(id);
      throw e;
    }
    return deal;
  }

  /**
   * Runs `fn` with the deal as `getWithLiveCustomer` gives it, holding its customer's record lock (the one
   * a merge holds on every customer it names): what `fn` files under the deal's customer lands before a
   * merge of that customer (and is moved by it) or after, under the survivor the deal was moved to.
   */
  async whileCustomerLocked<T>(id: string, fn: (deal: OpportunityResponse) => Promise<T>): Promise<T> {
    for (let attempt = 1; attempt <= MAX_CUSTOMER_MOVES; attempt++) {
      // The deal alone first: its customer may be a merge source about to read as gone.
      const seen = await this.get(id);
      const outcome = await this.customers.whileLocked(seen.customerId, async () => {
        const deal = await this.getWithLiveCustomer(id);
        // Moved to another customer (a merge) between the two reads: lock that one instead.
        return deal.customerId === seen.customerId ? { done: await fn(deal) } : null;
      });
      if (outcome) return outcome.done;
    }
    throw new OpportunityError(OpportunityErrorCode.WRITE_CONFLICT, 'The opportunity is changing; retry.');
  }

  /** Σ amount (minor units) of the live open deals per customer of the company; customers without any are absent. */
  openValueByCustomer(companyId: string): Promise<Map<string, number>> {
    return this.repo.openValueByCustomer({ companyId });
  }

  /** Σ amount (minor units) of the customer's live open deals (0: none). */
  async openValueOf(customerId: string): Promise<number> {
    return (await this.repo.openValueByCustomer({ customerId })).get(customerId) ?? 0;
  }

  async list(query: ListOpportunitiesQueryDto): Promise<OpportunityPageResponse> {
    if (query.companyId) await this.companies.assertVisible(query.companyId);
    const sort = parseSort(query.sort, RECORD_SORT_FIELDS, DEFAULT_OPPORTUNITY_SORT);
    const { companyId, customerId, pipelineId, stage, status, ownerId, closingBefore, q } = query;
    const page = await keysetPage({
      filter: this.listFilter(query),
      sort,
      scope: queryScope({ companyId, customerId, pipelineId, stage, status, ownerId, closingBefore, q }),
      cursor: query.cursor,
      limit: query.limit ?? DEFAULT_PAGE,
      find: (where, order, max) => this.repo.find(where, order, max),
    });
    return { data: page.rows.map(toOpportunityResponse), nextCursor: page.nextCursor };
  }

  /** PATCH: name, amount, expected close date, owner; a closed deal is read-only. */
  update(id: string, dto: UpdateOpportunityDto, expectedVersion?: number): Promise<OpportunityResponse> {
    return this.records.mutate(
      id,
      OpportunityEventName.UPDATED,
      (o) => {
        assertOpen(o);
        const set: Partial<OpportunityLean> = {};
        if (dto.name !== undefined && dto.name !== o.name) set.name = dto.name;
        if (dto.amount !== undefined && toMinor(dto.amount) !== o.amountMinor) set.amountMinor = toMinor(dto.amount);
        if (dto.ownerId !== undefined && dto.ownerId !== o.ownerId) set.ownerId = dto.ownerId;
        if (dto.expectedCloseAt !== undefined) {
          const next = dto.expectedCloseAt === null ? null : new Date(dto.expectedCloseAt);
          if ((next?.getTime() ?? null) !== (o.expectedCloseAt?.getTime() ?? null)) {
            set.expectedCloseAt = next;
            set.closeDate = next;
          }
        }
        return Object.keys(set).length ? { set } : null;
      },
      { expectedVersion },
    );
  }

  /** PUT /stage: to another open stage of its pipeline, appended to the stage history. */
  async setStage(id: string, key: string, expectedVersion?: number): Promise<OpportunityResponse> {
    const current = await this.records.load(id);
    const pipeline = await this.pipelines.resolve(current.pipelineId);
    const stage = openStage(pipeline, key);
    return this.records.mutate(
      id,
      OpportunityEventName.STAGE_CHANGED,
      (o, at) => {
        assertOpen(o);
        if (o.stage === stage.key) return null;
        return {
          set: {
            stage: stage.key,
            probability: stage.probability,
            stageHistory: moved(o, stage.key, this.context.actor, at),
          },
        };
      },
      { expectedVersion },
    );
  }

  /** Soft delete (an open or lost deal; a won one is read-only until reopened). */
  remove(id: string, expectedVersion?: number): Promise<OpportunityResponse> {
    return this.records.mutate(
      id,
      OpportunityEventName.DELETED,
      (o, at) => {
        if (o.status === OpportunityStatus.WON) assertOpen(o);
        return { set: { deletedAt: at }, changes: { deletedAt: { from: null, to: at.toISOString() } } };
      },
      { expectedVersion },
    );
  }

  /**
   * Won: closes the deal, then records its revenue on the customer. On a deal won already it only
   * makes sure that entry exists (a retry after a crash between the two writes heals it).
   */
  async win(id: string, dto: WinOpportunityDto): Promise<OpportunityResponse> {
    const closedAt = dto.closedAt ? new Date(dto.closedAt) : undefined;
    const won = await this.records.mutate(id, OpportunityEventName.WON, (o, at) => {
      if (o.status === OpportunityStatus.WON) return null;
      if (o.status === OpportunityStatus.LOST) assertOpen(o);
      const when = closedAt ?? at;
      return {
        set: {
          status: OpportunityStatus.WON,
          stage: ClosedStage.WON,
          probability: 100,
          reopenStage: o.stage,
          closedAt: when,
          closeDate: when,
          winSeq: o.winSeq + 1,
          ...(dto.amount === undefined ? {} : { amountMinor: toMinor(dto.amount) }),
          stageHistory: moved(o, ClosedStage.WON, this.context.actor, at),
        },
      };
    });
    this.failpoints.check(OpportunityFailpoint.AFTER_CLOSE);
    const deal = await this.records.load(id);
    if (deal.status === OpportunityStatus.WON) await this.recordWin(deal);
    return won;
  }

  /** Lost, with a reason. A lost deal answers 409 to a second /lost (read-only). */
  lose(id: string, reason: string): Promise<OpportunityResponse> {
    return this.records.mutate(id, OpportunityEventName.LOST, (o, at) => {
      assertOpen(o);
      return {
        set: {
          status: OpportunityStatus.LOST,
          stage: ClosedStage.LOST,
          probability: 0,
          reopenStage: o.stage,
          closedAt: at,
          closeDate: at,
          lostReason: reason,
          stageHistory: moved(o, ClosedStage.LOST, this.context.actor, at),
        },
      };
    });
  }

  /**
   * Back to the stage it was closed from (or the pipeline's first, if that stage is gone). A won deal's
   * revenue entry is reversed. On a reopened deal it only makes sure that reversal exists.
   */
  async reopen(id: string): Promise<OpportunityResponse> {
    const current = await this.records.load(id);
    const pipeline = await this.pipelines.resolve(current.pipelineId);
    const reopened = await this.records.mutate(id, OpportunityEventName.REOPENED, (o, at) => {
      if (o.status === OpportunityStatus.OPEN) {
        if (o.winSeq === 0) {
          throw new OpportunityError(OpportunityErrorCode.NOT_CLOSED, 'The opportunity is open; nothing to reopen.');
        }
        return null;
      }
      const back = pipeline.stages.find((s) => s.key === o.reopenStage) ?? pipeline.stages[0];
      return {
        set: {
          status: OpportunityStatus.OPEN,
          stage: back.key,
          probability: back.probability,
          closedAt: null,
          closeDate: o.expectedCloseAt,
          lostReason: null,
          stageHistory: moved(o, back.key, this.context.actor, at),
        },
      };
    });
    this.failpoints.check(OpportunityFailpoint.AFTER_CLOSE);
    const deal = await this.records.load(id);
    if (deal.status === OpportunityStatus.OPEN && deal.winSeq > 0) await this.reverseWin(deal);
    return reopened;
  }

  /** Removes a deal for good and lets every module erase what it keeps about it (purge hooks). */
  async erase(deal: { id: string; companyId: string }, opts: { leaveNoTrace?: boolean } = {}): Promise<void> {
    await this.repo.remove(deal.id);
    await this.purgeHooks.run({
      entityType: OPPORTUNITY_ENTITY,
      entityId: deal.id,
      companyId: deal.companyId,
      leaveNoTrace: opts.leaveNoTrace,
    });
  }

  private recordWin(o: OpportunityLean): Promise<CustomerResponse> {
    return this.customers.recordRevenue(o.customerId, {
      amountMinor: o.amountMinor,
      at: o.closedAt ?? o.updatedAt,
      reference: revenueReference(o),
      occurrence: String(o.winSeq),
      source: RevenueSource.OPPORTUNITY,
    });
  }

  private reverseWin(o: OpportunityLean): Promise<CustomerResponse> {
    return this.customers.reverseRevenue(o.customerId, {
      reference: revenueReference(o),
      occurrence: String(o.winSeq),
      reason: 'opportunity reopened',
      amountMinor: o.amountMinor,
    });
  }

  /**
   * A customer merge: the sources' deals (deleted ones too) move to the survivor, through the writer
   * (opportunity.updated each). Idempotent and resumable: a moved deal is not found again.
   */
  async moveCustomers(sourceIds: readonly string[], survivorId: string): Promise<number> {
    const from = new Set(sourceIds);
    let moved = 0;
    for (;;) {
      const ids = await this.repo.idsOfCustomers(sourceIds, MOVE_BATCH);
      if (!ids.length) return moved;
      for (const id of ids) {
        await this.records.mutate(
          id,
          OpportunityEventName.UPDATED,
          (o) => (from.has(o.customerId) ? { set: { customerId: survivorId } } : null),
          { includeDeleted: true },
        );
        moved++;
      }
    }
  }

  /** Deals of these customers, deleted ones too (a merge's dry run). */
  countOfCustomers(customerIds: readonly string[]): Promise<number> {
    return this.repo.countOfCustomers(customerIds);
  }

  private async customerOf(customerId: string): Promise<CustomerResponse> {
    try {
      return await this.customers.get(customerId);
    } catch (e) {
      if (e instanceof DomainError && e.kind === ErrorKind.NOT_FOUND) {
        throw new OpportunityError(OpportunityErrorCode.CUSTOMER_NOT_FOUND, `Customer ${customerId} was not found.`);
      }
      throw e;
    }
  }

  private listFilter(f: ListOpportunitiesQueryDto): Record<string, unknown> | null {
    const filter: Record<string, unknown> = { deletedAt: null };
    if (f.companyId) filter.companyId = f.companyId;
    else if (this.context.principal.companies) filter.companyId = { $in: [...this.context.principal.companies] };
    for (const [field, value] of Object.entries({
      customerId: f.customerId,
      pipelineId: f.pipelineId,
      stage: f.stage,
      status: f.status,
      ownerId: f.ownerId,
    })) {
      if (value !== undefined) filter[field] = value;
    }
    if (f.closingBefore) filter.closeDate = { $lt: new Date(f.closingBefore) };
    if (f.q !== undefined && f.q.trim() !== '') {
      const search = searchFilter(f.q);
      if (!search) return null;
      Object.assign(filter, search);
    }
    return filter;
  }
}

export function revenueReference(o: { _id: Types.ObjectId }): string {
  return `opportunity:${o._id.toHexString()}`;
}

function tokens(name: string): string[] {
  return searchTokens({ texts: [name], phones: [] });
}

function moved(o: OpportunityLean, to: string, by: string, at: Date) {
  return [...o.stageHistory, { from: o.stage, to, by, at }].slice(-MAX_STAGE_HISTORY);
}

function assertOpen(o: OpportunityLean): void {
  if (o.status !== OpportunityStatus.OPEN) {
    throw new OpportunityError(
      OpportunityErrorCode.CLOSED,
      `The opportunity is ${o.status}: read-only until reopened (POST /opportunities/${o._id.toHexString()}/reopen).`,
    );
  }
}
