import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { createHash } from 'node:crypto';
import { ClsService } from 'nestjs-cls';
import { canSeeCompany } from '@app/common';
import {
  AUDIT_SINK,
  type AuditSink,
  Failpoints,
  Outbox,
  PublishesEvents,
  RecordLock,
  TenantContext,
} from '@app/tenancy';
import { externalKeyOf } from '../../../domain/external-id';
import { AuditService } from '../../audit';
import { CustomerMergeParticipants } from '../customer-merge-participant';
import { CUSTOMER_ENTITY, CUSTOMER_RECORDS, type CustomerRecords } from '../customer-records';
import { CustomerStatus, MAX_STATUS_HISTORY } from '../customer.enums';
import { CustomerError, CustomerErrorCode } from '../customer.errors';
import { toCustomerResponse } from '../customer.mapper';
import { CustomerRepository } from '../customer.repository';
import { CustomerEventName } from '../events/customer.events';
import { RevenueLedgerRepository } from '../revenue/revenue-ledger.repository';
import { RevenueLedgerService } from '../revenue/revenue-ledger.service';
import type { CustomerLean } from '../schemas/customer.schema';
import { CustomerMergeCompletedEvent, CustomerMergeEventName } from './customer-merge.events';
import type { MergeCustomersDto, MergeMovedResponse, MergeResultResponse } from './dto/merge.dto';
import { mergePlan, type MergePreference } from './merge-plan';

/** Where a test can make a merge stop as if the process died (see Failpoints). */
export enum CustomerMergeFailpoint {
  /** The first source is marked merged; nothing else is written. */
  AFTER_FIRST_SOURCE = 'customer-merge.after-first-source',
  /** Every source is merged and the survivor written; nothing has moved yet. */
  AFTER_SURVIVOR = 'customer-merge.after-survivor',
  /** The first participant has moved its records; the others and the totals have not run. */
  AFTER_FIRST_PARTICIPANT = 'customer-merge.after-first-participant',
}

/**
 * Merges up to nine customers (sources) into one (the survivor), safe without transactions:
 *
 * 1. Under the record locks of every customer involved (taken in id order, so two merges of
 *    overlapping sets queue one behind the other instead of deadlocking; across instances too, the
 *    locks being lease documents), the survivor and sources are checked and the result planned.
 * 2. Each source is marked first: status `merged`, `mergedInto`, the merge id, deleted (hidden from
 *    every read; GET answers 410). From then on nothing new can be filed under it.
 * 3. The survivor takes the sources' fields, contacts and tags (see mergePlan).
 * 4. Every registered participant moves its records (activities, deals, ledger entries).
 * 5. The survivor's totals are recomputed from its ledger; the merge is audited and announced once.
 *
 * A retry of the same merge (after a crash between any two writes, or just again) recognises the sources
 * already merged into this survivor, recomputes an identical plan (nothing new to write), lets the
 * participants move what is left, and finishes; the merge id, derived from the survivor and the source
 * set, is the same for it. A source merged into another customer is refused with 409.
 */
@PublishesEvents([CustomerMergeEventName.COMPLETED])
@Injectable()
export class CustomerMergeService {
  constructor(
    private readonly repo: CustomerRepository,
    @Inject(CUSTOMER_RECORDS) private readonly records: CustomerRecords,
    private readonly ledger: RevenueLedgerService,
    private readonly ledgerEntries: RevenueLedgerRepository,
    private readonly participants: CustomerMergeParticipants,
    private readonly lock: RecordLock,
    private readonly context: TenantContext,
    private readonly failpoints: Failpoints,
    private readonly outbox: Outbox,
    private readonly events: EventEmitter2,
    private readonly cls: ClsService,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
    private readonly auditLog: AuditService,
  ) {}

  /** POST /customers/:id/merge. */
  merge(survivorId: string, dto: MergeCustomersDto): Promise<MergeResultResponse> {
    const sourceIds = dto.sourceIds;
    if (sourceIds.includes(survivorId)) {
      throw new CustomerError(CustomerErrorCode.MERGE_INVALID, 'The survivor can not be one of its own sources.');
    }
    const involved = new Set([survivorId, ...sourceIds]);
    for (const [field, id] of Object.entries(dto.prefer ?? {})) {
      if (id !== undefined && !involved.has(id)) {
        throw new CustomerError(
          CustomerErrorCode.MERGE_INVALID,
          `prefer.${field} must name the survivor or one of the sources.`,
        );
      }
    }
    const keys = [...involved].sort().map((id) => `${CUSTOMER_ENTITY}:${id}`);
    return this.underLocks(keys, () => this.mergeLocked(survivorId, dto));
  }

  private underLocks<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const [first, ...rest] = keys;
    return first === undefined ? fn() : this.lock.run(first, () => this.underLocks(rest, fn));
  }

  private async mergeLocked(survivorId: string, dto: MergeCustomersDto): Promise<MergeResultResponse> {
    const mergeId = mergeIdOf(survivorId, dto.sourceIds);
    const survivor = await this.survivor(survivorId);
    const sources = await Promise.all(dto.sourceIds.map((id) => this.source(id, survivor)));
    const prefer = (dto.prefer ?? {}) as MergePreference;
    const plan = mergePlan(survivor, sources, prefer);
    if (dto.dryRun) return this.preview(survivor, sources, mergeId, plan);

    // Totals kept before the ledger become opening entries first, so they move with the rest.
    for (const c of [survivor, ...sources]) if (!c.mergedInto) await this.ledger.adopt(c);
    let fresh = 0; // sources this call marked
    for (const s of sources) {
      if (s.mergedInto) continue;
      await this.markMerged(s, survivorId, mergeId);
      fresh++;
      this.failpoints.check(CustomerMergeFailpoint.AFTER_FIRST_SOURCE);
    }

    let contactsAdded = 0;
    await this.records.mutate(survivorId, CustomerEventName.UPDATED, (current) => {
      const next = mergePlan(current, sources, prefer);
      contactsAdded = next.contactsAdded;
      if (!Object.keys(next.set).length) return null;
      return { set: next.set, changes: { ...next.changes, mergeId: { from: null, to: mergeId } } };
    });
    this.failpoints.check(CustomerMergeFailpoint.AFTER_SURVIVOR);

    const moved: Record<string, number> = { contacts: contactsAdded };
    for (const p of this.participants.all) {
      moved[p.name] = await p.repoint(dto.sourceIds, survivorId);
      this.failpoints.check(CustomerMergeFailpoint.AFTER_FIRST_PARTICIPANT);
    }
    const customer = await this.ledger.reconcile(survivorId, CustomerEventName.UPDATED);

    // Announced once per merge: a retry after a crash anywhere before the audit entry announces it (the event
    // at least once), a replay of a finished merge does not.
    const done = fresh === 0 && (await this.audited(survivorId, mergeId));
    if (!done) await this.announce(customer.companyId, survivorId, mergeId, dto.sourceIds, moved);
    return { dryRun: false, mergeId, customer, sourceIds: [...dto.sourceIds], moved: movedResponse(moved) };
  }

  /** The survivor: visible and live (404), not merged away itself (409). */
  private async survivor(id: string): Promise<CustomerLean> {
    const raw = await this.repo.findById(id);
    if (raw?.mergedInto && canSeeCompany(this.context.principal, raw.companyId)) throw alreadyMerged(raw);
    return this.records.load(id);
  }

  /**
   * A source: visible (else 404, like any id of another tenant), in the survivor's company (409), live,
   * or already merged into this survivor (a retry; or a merge of a smaller set finishing one that crashed
   * and can not be retried as it was, because another of its sources went elsewhere meanwhile); merged
   * into another customer: 409.
   */
  private async source(id: string, survivor: CustomerLean): Promise<CustomerLean> {
    const raw = await this.repo.findById(id);
    if (!raw || !canSeeCompany(this.context.principal, raw.companyId)) throw sourceNotFound(id);
    if (raw.mergedInto) {
      if (raw.mergedInto === survivor._id.toHexString()) return raw;
      throw alreadyMerged(raw);
    }
    if (raw.deletedAt) throw sourceNotFound(id);
    if (raw.companyId !== survivor.companyId) {
      throw new CustomerError(
        CustomerErrorCode.MERGE_OTHER_COMPANY,
        `Customer ${id} belongs to another company than the survivor; only customers of one company merge.`,
      );
    }
    return raw;
  }

  private markMerged(source: CustomerLean, survivorId: string, mergeId: string): Promise<unknown> {
    return this.records.mutate(source._id.toHexString(), CustomerEventName.MERGED, (c, at) => {
      const entry = {
        from: c.status,
        to: CustomerStatus.MERGED,
        reason: `merged into ${survivorId}`,
        by: this.context.actor,
        at,
      };
      return {
        set: {
          status: CustomerStatus.MERGED,
          statusHistory: [...c.statusHistory, entry].slice(-MAX_STATUS_HISTORY),
          mergedInto: survivorId,
          mergeId,
          deletedAt: at,
          // Lets go of its externalId (like a delete), so a new record may take it.
          externalKey: externalKeyOf(c._id, null),
        },
        changes: {
          status: { from: c.status, to: CustomerStatus.MERGED },
          mergedInto: { from: null, to: survivorId },
          mergeId: { from: null, to: mergeId },
        },
      };
    });
  }

  private async preview(
    survivor: CustomerLean,
    sources: readonly CustomerLean[],
    mergeId: string,
    plan: ReturnType<typeof mergePlan>,
  ): Promise<MergeResultResponse> {
    const ids = [survivor, ...sources].map((c) => c._id.toHexString());
    const sourceIds = ids.slice(1);
    const totals = await Promise.all(ids.map((id) => this.ledgerEntries.totals(id)));
    const sum = totals.reduce(
      (t, x) => ({
        totalMinor: t.totalMinor + x.totalMinor,
        purchases: t.purchases + x.purchases,
        first: !t.first || (x.first && x.first < t.first) ? (x.first ?? t.first) : t.first,
        last: !t.last || (x.last && x.last > t.last) ? (x.last ?? t.last) : t.last,
      }),
      { totalMinor: 0, purchases: 0, first: null as Date | null, last: null as Date | null },
    );
    // A customer without ledger entries keeps its own (pre-ledger) totals, as adopt would record them.
    const legacy = [survivor, ...sources].filter((_, i) => totals[i].purchases === 0 && totals[i].totalMinor === 0);
    const after: CustomerLean = {
      ...survivor,
      ...plan.set,
      totalRevenueMinor: sum.totalMinor + legacy.reduce((n, c) => n + (c.totalRevenueMinor ?? 0), 0),
      purchaseCount: sum.purchases + legacy.reduce((n, c) => n + (c.purchaseCount ?? 0), 0),
      firstPurchaseAt: sum.first ?? survivor.firstPurchaseAt,
      lastPurchaseAt: sum.last ?? survivor.lastPurchaseAt,
    };
    const moved: Record<string, number> = { contacts: plan.contactsAdded };
    for (const p of this.participants.all) moved[p.name] = await p.count(sourceIds);
    return { dryRun: true, mergeId, customer: toCustomerResponse(after), sourceIds, moved: movedResponse(moved) };
  }

  /** Whether the merge's completion is in the survivor's audit trail already. */
  private async audited(survivorId: string, mergeId: string): Promise<boolean> {
    const found = await this.auditLog.trail(
      CUSTOMER_ENTITY,
      survivorId,
      [CustomerMergeEventName.COMPLETED],
      { 'changes.mergeId.to': mergeId },
      1,
    );
    return found.length > 0;
  }

  /** One event per merge, then one audit entry on the survivor (its timeline shows it). */
  private async announce(
    companyId: string,
    survivorId: string,
    mergeId: string,
    sourceIds: readonly string[],
    moved: Record<string, number>,
  ): Promise<void> {
    const at = new Date();
    const event = new CustomerMergeCompletedEvent(
      this.context.tenantId,
      companyId,
      survivorId,
      mergeId,
      sourceIds,
      moved,
      this.context.actor,
      at,
      this.cls.isActive() ? this.cls.getId() : undefined,
    );
    await this.outbox.appendCommitted(event);
    this.events.emit(event.name, event);
    await this.audit.record({
      action: CustomerMergeEventName.COMPLETED,
      entityType: CUSTOMER_ENTITY,
      entityId: survivorId,
      companyId,
      changes: {
        mergeId: { from: null, to: mergeId },
        mergedFrom: { from: null, to: [...sourceIds] },
        moved: { from: null, to: moved },
      },
      at,
    });
  }
}

/** The same survivor and source set always make the same id: a retry is recognised as the same merge. */
export function mergeIdOf(survivorId: string, sourceIds: readonly string[]): string {
  const hash = createHash('sha256')
    .update([survivorId, ...[...sourceIds].sort()].join(':'))
    .digest('hex');
  return `mrg_${hash.slice(0, 20)}`;
}

function movedResponse(moved: Record<string, number>): MergeMovedResponse {
  return {
    contacts: moved.contacts ?? 0,
    revenueEntries: moved.revenueEntries ?? 0,
    activities: moved.activities ?? 0,
    opportunities: moved.opportunities ?? 0,
    leads: moved.leads ?? 0,
  };
}

function sourceNotFound(id: string): CustomerError {
  return new CustomerError(CustomerErrorCode.MERGE_SOURCE_NOT_FOUND, `Customer ${id} was not found.`);
}

function alreadyMerged(c: CustomerLean): CustomerError {
  return new CustomerError(
    CustomerErrorCode.ALREADY_MERGED,
    `Customer ${c._id.toHexString()} was merged into ${c.mergedInto} already.`,
    { mergedInto: c.mergedInto },
  );
}
