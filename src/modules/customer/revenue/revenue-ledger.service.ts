import { Inject, Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { isDuplicateKeyError, keysetPage, parseSort, queryScope } from '@app/common';
import { Failpoints, RecordLock, TenantContext } from '@app/tenancy';
import { toMinor } from '../../../domain/money';
import { CUSTOMER_ENTITY, CUSTOMER_RECORDS, type CustomerRecords } from '../customer-records';
import { CustomerError, CustomerErrorCode } from '../customer.errors';
import type { RecordRevenueDto } from '../dto/customer-actions.dto';
import type { CustomerResponse } from '../dto/customer.response';
import { CustomerEventName } from '../events/customer.events';
import type { CustomerLean } from '../schemas/customer.schema';
import type { RevenueEntryPageResponse, RevenueReversalResponse } from './dto/revenue-entry.response';
import type { RevenuePageQueryDto } from './dto/revenue-query.dto';
import { toRevenueEntryResponse } from './revenue-entry.mapper';
import type { RevenueEntryLean } from './revenue-entry.schema';
import { type LedgerTotals, RevenueLedgerRepository } from './revenue-ledger.repository';
import { RevenueFailpoint, RevenueSource } from './revenue.enums';

/** A revenue entry as a module records it (CustomerService.recordRevenue). */
export interface RevenueInput {
  /** Integer minor units (cents), > 0. */
  amountMinor: number;
  at: Date;
  /** Counts once per customer: a retried or raced record with the same reference (and occurrence) adds nothing. */
  reference?: string;
  source: RevenueSource;
  /** Tells apart entries that share a reference on purpose (the second win of a reopened deal). */
  occurrence?: string;
}

/** Reverses the entry recorded under a reference (and occurrence), whether or not it has landed yet. */
export interface RevenueReversalInput {
  reference: string;
  occurrence?: string;
  reason: string;
  /** The amount the original was recorded with, for a reversal written before its original landed. */
  amountMinor: number;
}

const ENTRY_SORT = { at: { field: 'at', kind: 'date' as const } };
const DEFAULT_PAGE = 25;

/**
 * The revenue ledger. Every purchase is an entry (unique key: a retried or raced record counts once on
 * any server), every refund or correction a reversal entry (unique key again: once). The customer's
 * totalRevenue, purchaseCount and first/last purchase are not counted up by `$inc`: after each entry
 * they are recomputed from the ledger and written through the customer's versioned writer. The
 * writer loads the customer before the ledger is read and writes only at the version it loaded, so a
 * write computed from an older ledger loses to any write that read a newer one and is recomputed:
 * the last write to land always reflects every entry inserted before its read (no transactions
 * needed). A crash between an entry and the totals is healed by the next record, reversal or retry.
 *
 * Customers whose totals predate the ledger get opening entries for them first (adopt), so no
 * recomputation ever loses them; `npm run migrate` does the same for every customer.
 */
@Injectable()
export class RevenueLedgerService {
  constructor(
    @Inject(CUSTOMER_RECORDS) private readonly records: CustomerRecords,
    private readonly repo: RevenueLedgerRepository,
    private readonly context: TenantContext,
    private readonly failpoints: Failpoints,
    private readonly lock: RecordLock,
  ) {}

  /**
   * Entry and totals under the customer's record lock (the one a merge holds): an entry lands before a
   * merge of the customer (and moves with it) or the customer reads as not found, never in between.
   */
  private locked<T>(customerId: string, fn: () => Promise<T>): Promise<T> {
    return this.lock.run(`${CUSTOMER_ENTITY}:${customerId}`, fn);
  }

  /** POST /customers/:id/revenue. */
  recordPurchase(customerId: string, dto: RecordRevenueDto): Promise<CustomerResponse> {
    return this.record(customerId, {
      amountMinor: toMinor(dto.amount),
      at: new Date(dto.purchasedAt),
      reference: dto.reference,
      source: RevenueSource.MANUAL,
    });
  }

  record(customerId: string, input: RevenueInput): Promise<CustomerResponse> {
    return this.locked(customerId, () => this.recordLocked(customerId, input));
  }

  private async recordLocked(customerId: string, input: RevenueInput): Promise<CustomerResponse> {
    const customer = await this.records.load(customerId);
    // References counted before the ledger existed (kept on the customer) still count once.
    const legacy = input.reference !== undefined && (customer.revenueRefs ?? []).includes(input.reference);
    if (!legacy) {
      await this.adopt(customer);
      const id = customer._id.toHexString();
      const entryId = new Types.ObjectId();
      try {
        await this.repo.insert({
          customerId: id,
          companyId: customer.companyId,
          _id: entryId,
          key:
            input.reference === undefined
              ? `${id}|entry:${entryId.toHexString()}`
              : refKey(id, input.reference, input.occurrence),
          amountMinor: input.amountMinor,
          purchases: 1,
          at: input.at,
          reference: input.reference ?? null,
          source: input.source,
          reversalOf: null,
          reverses: null,
          reason: null,
          createdAt: new Date(),
          createdBy: this.context.actor,
        });
      } catch (e) {
        if (!isDuplicateKeyError(e)) throw e;
        // Counted already: fall through to the totals, which heals a crash after that first entry.
      }
      this.failpoints.check(RevenueFailpoint.AFTER_ENTRY);
    }
    return this.reconcile(customerId, CustomerEventName.REVENUE_RECORDED);
  }

  /** POST /customers/:id/revenue/:entryId/reverse: once per entry (409 after). */
  reverse(customerId: string, entryId: string, reason: string): Promise<RevenueReversalResponse> {
    return this.locked(customerId, () => this.reverseLocked(customerId, entryId, reason));
  }

  private async reverseLocked(customerId: string, entryId: string, reason: string): Promise<RevenueReversalResponse> {
    await this.records.load(customerId);
    const entry = await this.repo.findById(entryId);
    if (!entry || entry.customerId !== customerId) {
      throw new CustomerError(CustomerErrorCode.REVENUE_ENTRY_NOT_FOUND, `Revenue entry ${entryId} was not found.`);
    }
    if (entry.reverses !== null) {
      throw new CustomerError(CustomerErrorCode.REVENUE_NOT_REVERSIBLE, 'A reversal can not be reversed.');
    }
    let reversal: RevenueEntryLean;
    try {
      reversal = await this.insertReversal(entry.customerId, entry.companyId, entry.key, entry, {
        reason,
        amountMinor: entry.amountMinor,
        reference: entry.reference ?? '',
      });
    } catch (e) {
      if (!isDuplicateKeyError(e)) throw e;
      await this.reconcile(customerId, CustomerEventName.REVENUE_REVERSED);
      throw new CustomerError(
        CustomerErrorCode.REVENUE_ALREADY_REVERSED,
        `Revenue entry ${entryId} was reversed already.`,
      );
    }
    this.failpoints.check(RevenueFailpoint.AFTER_ENTRY);
    const customer = await this.reconcile(customerId, CustomerEventName.REVENUE_REVERSED);
    return { entry: toRevenueEntryResponse(reversal, null), customer };
  }

  /** Reverses what was recorded under a reference; idempotent (a second call changes nothing). */
  reverseReference(customerId: string, input: RevenueReversalInput): Promise<CustomerResponse> {
    return this.locked(customerId, () => this.reverseReferenceLocked(customerId, input));
  }

  private async reverseReferenceLocked(customerId: string, input: RevenueReversalInput): Promise<CustomerResponse> {
    const customer = await this.records.load(customerId, { includeDeleted: true });
    const key = refKey(customerId, input.reference, input.occurrence);
    const original = await this.repo.findByKey(key);
    try {
      await this.insertReversal(customerId, customer.companyId, key, original, input);
    } catch (e) {
      if (!isDuplicateKeyError(e)) throw e;
    }
    this.failpoints.check(RevenueFailpoint.AFTER_ENTRY);
    return this.reconcile(customerId, CustomerEventName.REVENUE_REVERSED, { includeDeleted: true });
  }

  async list(customerId: string, query: RevenuePageQueryDto): Promise<RevenueEntryPageResponse> {
    await this.records.load(customerId);
    const sort = parseSort('-at', ENTRY_SORT, '-at');
    const page = await keysetPage({
      filter: { customerId },
      sort,
      scope: queryScope({ customerId }),
      cursor: query.cursor,
      limit: query.limit ?? DEFAULT_PAGE,
      find: (where, order, max) => this.repo.find(where, order, max),
    });
    const reversals = await this.repo.reversalsOf(
      customerId,
      page.rows.filter((r) => r.reverses === null).map((r) => r.key),
    );
    return {
      data: page.rows.map((r) => toRevenueEntryResponse(r, reversals.get(r.key) ?? null)),
      nextCursor: page.nextCursor,
    };
  }

  /** Makes the customer's totals what its ledger says (a write only if they differ). */
  reconcile(customerId: string, event: string, opts: { includeDeleted?: boolean } = {}): Promise<CustomerResponse> {
    return this.records.mutate(
      customerId,
      event,
      async (c) => {
        const t = await this.repo.totals(customerId);
        return sameTotals(c, t)
          ? null
          : {
              set: {
                totalRevenueMinor: t.totalMinor,
                purchaseCount: t.purchases,
                firstPurchaseAt: t.first,
                lastPurchaseAt: t.last,
              },
            };
      },
      opts,
    );
  }

  /**
   * Opening entries for totals kept before the ledger (once: their keys are fixed). The purchase count
   * and first purchase go on one entry carrying the whole total; a second, empty one keeps the last
   * purchase date when it differs.
   */
  async adopt(c: CustomerLean): Promise<number> {
    const count = c.purchaseCount ?? 0;
    const total = c.totalRevenueMinor ?? 0;
    if (count === 0 && total === 0) return 0;
    const id = c._id.toHexString();
    if (await this.repo.hasEntries(id)) return 0;
    const first = c.firstPurchaseAt ?? c.lastPurchaseAt ?? c.createdAt;
    const last = c.lastPurchaseAt ?? first;
    const split = count > 1 && last.getTime() !== first.getTime();
    const openings = [{ key: `${id}|opening`, amountMinor: total, purchases: split ? count - 1 : count, at: first }];
    if (split) openings.push({ key: `${id}|opening-last`, amountMinor: 0, purchases: 1, at: last });
    let created = 0;
    for (const o of openings) {
      try {
        await this.repo.insert({
          ...o,
          customerId: id,
          companyId: c.companyId,
          reference: null,
          source: RevenueSource.IMPORT,
          reversalOf: null,
          reverses: null,
          reason: 'opening balance: totals recorded before the revenue ledger',
          createdAt: new Date(),
          createdBy: this.context.actor,
        });
        created++;
      } catch (e) {
        if (!isDuplicateKeyError(e)) throw e;
      }
    }
    return created;
  }

  private insertReversal(
    customerId: string,
    companyId: string,
    key: string,
    original: RevenueEntryLean | null,
    input: { reason: string; amountMinor: number; reference: string },
  ): Promise<RevenueEntryLean> {
    return this.repo.insert({
      customerId,
      companyId,
      key: `rev|${key}`,
      amountMinor: -(original?.amountMinor ?? input.amountMinor),
      purchases: -(original?.purchases ?? 1),
      at: new Date(),
      reference: original?.reference ?? (input.reference || null),
      source: original?.source ?? RevenueSource.OPPORTUNITY,
      reversalOf: original ? original._id.toHexString() : null,
      reverses: key,
      reason: input.reason,
      createdAt: new Date(),
      createdBy: this.context.actor,
    });
  }
}

function refKey(customerId: string, reference: string, occurrence?: string): string {
  return `${customerId}|ref:${reference}${occurrence === undefined ? '' : `#${occurrence}`}`;
}

function sameTotals(c: CustomerLean, t: LedgerTotals): boolean {
  const time = (d: Date | null | undefined) => (d ? d.getTime() : null);
  return (
    (c.totalRevenueMinor ?? 0) === t.totalMinor &&
    (c.purchaseCount ?? 0) === t.purchases &&
    time(c.firstPurchaseAt) === time(t.first) &&
    time(c.lastPurchaseAt) === time(t.last)
  );
}
