import { Inject, Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import {
  canonical,
  canSeeCompany,
  DEFAULT_RECORD_SORT,
  DomainError,
  ErrorKind,
  isDuplicateKeyError,
  keysetPage,
  normaliseTag,
  normaliseTags,
  parseSort,
  queryScope,
  RECORD_SORT_FIELDS,
} from '@app/common';
import { PublishesEvents, PurgeHooks, RecordLock, TenantContext } from '@app/tenancy';
import { initialContacts } from '../../domain/contacts';
import { externalKeyOf } from '../../domain/external-id';
import { GroupedMatches } from '../../domain/natural-key';
import { type AuditPageQueryDto, type AuditPageResponse, AuditService } from '../audit';
import { CompanyService } from '../company';
import { CustomerCounters } from './counters/customer-counters';
import { CustomerDeletionChecks } from './customer-deletion';
import { CUSTOMER_ENTITY, CUSTOMER_PERSONAL_FIELDS, CUSTOMER_RECORDS, type CustomerRecords } from './customer-records';
import { customerListFilter, type CustomerMatchField, customerSearchTokens } from './customer-search';
import { CustomerSegments } from './customer-segments';
import { CustomerSource, CustomerStatus, MAX_STATUS_HISTORY, MAX_TAGS } from './customer.enums';
import { CustomerError, CustomerErrorCode } from './customer.errors';
import { toCustomerResponse } from './customer.mapper';
import { CustomerRepository } from './customer.repository';
import type { CreateCustomerDto } from './dto/create-customer.dto';
import type { AddTagsDto, AssignCustomerDto, SetStatusDto } from './dto/customer-actions.dto';
import type { CustomerListResponse, CustomerPageResponse, CustomerResponse } from './dto/customer.response';
import type { ListCustomersQueryDto, RecentCustomersQueryDto } from './dto/list-customers-query.dto';
import type { TimelineQueryDto } from './dto/timeline-query.dto';
import type { TimelinePageResponse } from './dto/timeline.response';
import type { UpdateCustomerDto } from './dto/update-customer.dto';
import { CustomerEventName } from './events/customer.events';
import type { Customer, CustomerLean } from './schemas/customer.schema';
import { type RevenueInput, RevenueLedgerService, type RevenueReversalInput } from './revenue/revenue-ledger.service';
import { TimelineService } from './timeline/timeline.service';

/** What scoring reads of a customer (see `scan`). */
export interface CustomerScanRow {
  id: string;
  companyId: string;
  status: CustomerStatus;
  totalRevenueMinor: number;
  createdAt: Date;
  /** Null: no activity yet. */
  lastActivityAt: Date | null;
}

export interface CreateCustomerOptions {
  /**
   * Lead conversion: the customer's `_id` becomes the lead's id and its source
   * `lead_conversion`. A second create for the same lead returns the existing customer.
   */
  leadId?: string;
  /**
   * The customer's id, chosen by the caller: an import row's own id, so that a row applied again
   * (an import resumed after a crash) finds its customer instead of making a second one.
   */
  id?: string;
}

const DEFAULT_PAGE = 25;
const DEFAULT_RECENT = 10;
/** Customers per cursor batch of a full scan (analytics). */
const SCAN_BATCH = 2000;

/** Plain fields PATCH may change, in the order they are compared (also what an import's revert writes back). */
export const CUSTOMER_PATCHABLE_FIELDS = [
  'name',
  'source',
  'email',
  'phone',
  'website',
  'industry',
  'size',
  'address',
  'notes',
  'tags',
  'externalId',
] as const;

/**
 * Customers of the current tenant: the module's public API (the Lead module converts leads
 * through `create`). Every read honours soft deletion and the principal's `companies` claim;
 * every write goes through the shared versioned writer (version-checked, audited, evented).
 */
@PublishesEvents(Object.values(CustomerEventName))
@Injectable()
export class CustomerService {
  constructor(
    private readonly repo: CustomerRepository,
    @Inject(CUSTOMER_RECORDS) private readonly records: CustomerRecords,
    private readonly companies: CompanyService,
    private readonly audit: AuditService,
    private readonly context: TenantContext,
    private readonly purgeHooks: PurgeHooks,
    private readonly timelines: TimelineService,
    private readonly counters: CustomerCounters,
    private readonly ledger: RevenueLedgerService,
    private readonly deletionChecks: CustomerDeletionChecks,
    private readonly segments: CustomerSegments,
    private readonly lock: RecordLock,
  ) {}

  /** Natural-key lookups of concurrent batch items and import rows, asked in one query (see GroupedMatches). */
  private readonly matches = new GroupedMatches<CustomerLean>((filter, limit) =>
    this.repo.find(filter, { _id: 1 }, limit),
  );

  /**
   * Runs `fn` holding the customer's record lock, the one a merge holds on every customer it names:
   * work that files something under the customer (an activity, a deal) lands before a merge of it (and
   * is moved by it) or after (then the customer is merged and reads as not found), never in between.
   */
  whileLocked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.lock.run(`${CUSTOMER_ENTITY}:${id}`, fn);
  }

  /**
   * Creates a customer under a visible company of the tenant (else 404, like any id of another tenant). With `leadId` the
   * lead's ObjectId becomes the customer's `_id`: the unique `_id` index (enforced by every
   * server, unlike a unique index on an optional leadId field, which FerretDB's ignored
   * `sparse` breaks) makes concurrent or retried conversions yield exactly one customer in one
   * write, with no second collection to keep consistent without transactions.
   */
  async create(dto: CreateCustomerDto, opts: CreateCustomerOptions = {}): Promise<CustomerResponse> {
    await this.companyForWrite(dto.companyId);
    if (opts.leadId !== undefined && !Types.ObjectId.isValid(opts.leadId)) {
      throw new DomainError(ErrorKind.BAD_REQUEST, 'request.invalid_id', 'leadId must be a 24-character hex id.');
    }
    const status = dto.status ?? CustomerStatus.ACTIVE;
    const fields = {
      companyId: dto.companyId,
      name: dto.name,
      email: dto.email ?? null,
      phone: dto.phone ?? null,
      website: dto.website ?? null,
      tags: normaliseTags(dto.tags ?? []),
      contacts: initialContacts(dto.contacts ?? []),
    };
    const _id = new Types.ObjectId(opts.leadId ?? opts.id);
    const doc = (at: Date, actor: string) => ({
      ...fields,
      _id,
      nameSort: dto.name.toLowerCase(),
      status,
      source: opts.leadId ? CustomerSource.LEAD_CONVERSION : (dto.source ?? CustomerSource.DIRECT),
      industry: dto.industry ?? null,
      size: dto.size ?? null,
      address: dto.address ? addressOf(dto.address) : null,
      notes: dto.notes ?? null,
      externalId: dto.externalId ?? null,
      externalKey: externalKeyOf(_id, dto.externalId),
      assignedTo: dto.assignedTo ?? null,
      totalRevenueMinor: 0,
      purchaseCount: 0,
      revenueRefs: [],
      leadId: opts.leadId ?? null,
      statusHistory: [{ from: null, to: status, reason: null, by: actor, at }],
      searchTokens: customerSearchTokens(fields),
      deletedAt: null,
    });
    try {
      return await this.records.create(doc, CustomerEventName.CREATED);
    } catch (e) {
      // A retried or concurrent conversion: the lead's id is taken by its customer (FerretDB's insert
      // errors do not say which unique index refused, so look).
      if (opts.leadId && (isDuplicateKeyError(e) || isExternalIdTaken(e))) {
        const existing = await this.repo.findById(opts.leadId);
        if (existing) return this.existingForLead(opts.leadId);
      }
      throw e;
    }
  }

  async get(id: string): Promise<CustomerResponse> {
    return toCustomerResponse(await this.records.load(id));
  }

  /** GET /customers/:id: as `get`, but a merged customer answers 410 naming the customer it went into. */
  async read(id: string): Promise<CustomerResponse> {
    try {
      return await this.get(id);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      const raw = await this.repo.findById(id);
      if (raw?.mergedInto && canSeeCompany(this.context.principal, raw.companyId)) {
        throw new CustomerError(CustomerErrorCode.MERGED, `Customer ${id} was merged into ${raw.mergedInto}.`, {
          mergedInto: raw.mergedInto,
        });
      }
      throw e;
    }
  }

  async list(query: ListCustomersQueryDto): Promise<CustomerPageResponse> {
    if (query.companyId) await this.companies.assertVisible(query.companyId);
    const spec = parseSort(query.sort, RECORD_SORT_FIELDS, DEFAULT_RECORD_SORT);
    const limit = query.limit ?? DEFAULT_PAGE;
    const { companyId, status, source, assignedTo, tag, q, updatedSince, externalId, segmentId } = query;
    const scope = queryScope({ companyId, status, source, assignedTo, tag, q, updatedSince, externalId, segmentId });
    const visible = this.context.principal.companies;
    const page = await keysetPage({
      filter: await this.segments.narrow(customerListFilter(query, visible), segmentId, visible),
      sort: spec,
      scope,
      cursor: query.cursor,
      limit,
      find: (where, sort, max) => this.repo.find(where, sort, max),
    });
    return { data: page.rows.map(toCustomerResponse), nextCursor: page.nextCursor };
  }

  /**
   * Live customers the caller may see whose `field` equals `value` (normalised as stored), in
   * `companyId` when given; at most `limit` (2 tells "one" from "ambiguous").
   */
  async findMatching(
    field: CustomerMatchField,
    value: string,
    opts: { companyId?: string; limit?: number } = {},
  ): Promise<CustomerResponse[]> {
    const scope = customerListFilter({ companyId: opts.companyId }, this.context.principal.companies);
    if (!scope) return [];
    const rows = await this.matches.find(this.context.dbName, scope, field, value, opts.limit ?? 2);
    return rows.map(toCustomerResponse);
  }

  /**
   * Every customer matching the list filters that the caller may see, in `_id` order, from one cursor
   * (`batchSize` in memory, whatever the total). Filters and visibility are checked before the first
   * customer is yielded, so a company of another tenant fails the first `next()`.
   */
  async *stream(query: ListCustomersQueryDto, batchSize = 500): AsyncGenerator<CustomerResponse> {
    if (query.companyId) await this.companies.assertVisible(query.companyId);
    const visible = this.context.principal.companies;
    const filter = await this.segments.narrow(customerListFilter(query, visible), query.segmentId, visible);
    if (!filter) return;
    for await (const row of this.repo.streamMatching(filter, batchSize)) yield toCustomerResponse(row);
  }

  /** How many customers a list query matches (every page together). */
  async count(query: ListCustomersQueryDto): Promise<number> {
    if (query.companyId) await this.companies.assertVisible(query.companyId);
    const visible = this.context.principal.companies;
    const filter = await this.segments.narrow(customerListFilter(query, visible), query.segmentId, visible);
    return filter ? this.repo.count(filter) : 0;
  }

  /** Most recently updated first. */
  async recent(query: RecentCustomersQueryDto): Promise<CustomerListResponse> {
    if (query.companyId) await this.companies.assertVisible(query.companyId);
    const filter = customerListFilter({ companyId: query.companyId }, this.context.principal.companies);
    const rows = await this.repo.find(filter ?? {}, { updatedAt: -1, _id: -1 }, query.limit ?? DEFAULT_RECENT);
    return { data: rows.map(toCustomerResponse) };
  }

  /**
   * Every live customer of a company with the fields scoring reads (analytics), streamed from one
   * cursor. Not limited by the principal: background work runs as the system.
   */
  async *scan(companyId: string): AsyncGenerator<CustomerScanRow> {
    for await (const c of this.repo.streamScan(companyId, SCAN_BATCH)) {
      yield {
        id: c._id.toHexString(),
        companyId: c.companyId,
        status: c.status,
        totalRevenueMinor: c.totalRevenueMinor,
        createdAt: c.createdAt,
        lastActivityAt: c.lastActivityAt ?? null,
      };
    }
  }

  /** PATCH: changes the given fields; a body that changes nothing writes nothing. */
  update(id: string, dto: UpdateCustomerDto, expectedVersion?: number): Promise<CustomerResponse> {
    const next: Partial<Customer> = {};
    for (const key of CUSTOMER_PATCHABLE_FIELDS) {
      const value = dto[key];
      if (value === undefined) continue;
      Object.assign(next, { [key]: key === 'address' && value ? addressOf(dto.address ?? {}) : value });
    }
    return this.records.mutate(
      id,
      CustomerEventName.UPDATED,
      (current) => {
        if (current.leadId && next.source !== undefined && next.source !== current.source) {
          throw new CustomerError(
            CustomerErrorCode.SOURCE_FIXED,
            'A customer converted from a lead keeps source lead_conversion: statistics by source count conversions.',
          );
        }
        const set: Partial<CustomerLean> = {};
        for (const [key, value] of Object.entries(next)) {
          if (canonical(current[key as keyof Customer]) !== canonical(value)) Object.assign(set, { [key]: value });
        }
        return Object.keys(set).length ? { set } : null;
      },
      { expectedVersion },
    );
  }

  /** Soft delete: hidden from every read until restored or purged. Vetoed while other modules need it (409). */
  async remove(id: string, expectedVersion?: number): Promise<CustomerResponse> {
    return this.records.mutate(
      id,
      CustomerEventName.DELETED,
      // Checked once the customer is loaded (a missing one answers 404 first) and under its lock, so
      // the check and the delete see the same customer, without reading it a second time (each read
      // of a customer is a scan on FerretDB's SQLite handler).
      async (current, at) => {
        await this.deletionChecks.assertDeletable(id);
        // A deleted customer lets go of its externalId's key (restore takes it back, if still free), so a
        // deleted record never blocks a new one (a reverted import imported again).
        return {
          set: { deletedAt: at, externalKey: externalKeyOf(current._id, null) },
          changes: { deletedAt: { from: null, to: at.toISOString() } },
        };
      },
      { expectedVersion },
    );
  }

  /** Brings a soft-deleted customer back; a live one is returned unchanged. */
  async restore(id: string): Promise<CustomerResponse> {
    const current = await this.records.load(id, { includeDeleted: true });
    if (current.mergedInto) {
      // Its records live on the survivor now: bringing it back would leave it an empty double.
      throw new CustomerError(
        CustomerErrorCode.ALREADY_MERGED,
        `Customer ${id} was merged into ${current.mergedInto}.`,
        {
          mergedInto: current.mergedInto,
        },
      );
    }
    if (current.deletedAt) await this.companyForRestore(current.companyId);
    return this.records.mutate(
      id,
      CustomerEventName.RESTORED,
      (c) =>
        c.deletedAt
          ? {
              set: { deletedAt: null, externalKey: externalKeyOf(c._id, c.externalId) },
              changes: { deletedAt: { from: c.deletedAt.toISOString(), to: null } },
            }
          : null,
      { includeDeleted: true },
    );
  }

  /** Appends {from, to, reason, by, at} to the status history; the same status is a no-op. */
  setStatus(id: string, dto: SetStatusDto, expectedVersion?: number): Promise<CustomerResponse> {
    return this.records.mutate(
      id,
      CustomerEventName.STATUS_CHANGED,
      (c, at) => {
        if (c.status === dto.status) return null;
        const entry = { from: c.status, to: dto.status, reason: dto.reason ?? null, by: this.context.actor, at };
        return { set: { status: dto.status, statusHistory: [...c.statusHistory, entry].slice(-MAX_STATUS_HISTORY) } };
      },
      { expectedVersion },
    );
  }

  assign(id: string, dto: AssignCustomerDto, expectedVersion?: number): Promise<CustomerResponse> {
    return this.records.mutate(
      id,
      CustomerEventName.ASSIGNED,
      (c) => (c.assignedTo === dto.userId ? null : { set: { assignedTo: dto.userId } }),
      { expectedVersion },
    );
  }

  addTags(id: string, dto: AddTagsDto): Promise<CustomerResponse> {
    return this.records.mutate(id, CustomerEventName.UPDATED, (c) => {
      const tags = normaliseTags([...c.tags, ...dto.tags]);
      if (tags.length === c.tags.length) return null;
      if (tags.length > MAX_TAGS) {
        throw new CustomerError(CustomerErrorCode.TOO_MANY_TAGS, `A customer can have at most ${MAX_TAGS} tags.`);
      }
      return { set: { tags } };
    });
  }

  removeTag(id: string, tag: string): Promise<CustomerResponse> {
    const gone = normaliseTag(tag);
    return this.records.mutate(id, CustomerEventName.UPDATED, (c) =>
      c.tags.includes(gone) ? { set: { tags: c.tags.filter((t) => t !== gone) } } : null,
    );
  }

  /**
   * Removes a customer for good, whatever its state, and lets every module erase what it keeps about
   * it (purge hooks: realtime payloads, audit trail). For records that never were real data (the
   * isolation check's probes): `leaveNoTrace` removes the audit trail too.
   */
  async erase(id: string, opts: { leaveNoTrace?: boolean } = {}): Promise<void> {
    const current = await this.records.load(id, { includeDeleted: true });
    if (await this.repo.remove(id)) await this.counters.record(current, null);
    await this.purgeHooks.run({
      entityType: CUSTOMER_ENTITY,
      entityId: id,
      companyId: current.companyId,
      personalFields: CUSTOMER_PERSONAL_FIELDS,
      leaveNoTrace: opts.leaveNoTrace,
    });
  }

  /** Everything that happened to the customer (every registered timeline source), newest first. */
  async timeline(id: string, query: TimelineQueryDto): Promise<TimelinePageResponse> {
    const customer = await this.records.load(id);
    return this.timelines.page({ id, companyId: customer.companyId }, query);
  }

  /** The customer's audit trail, newest first. */
  async history(id: string, page: AuditPageQueryDto): Promise<AuditPageResponse> {
    await this.records.load(id);
    return this.audit.history(CUSTOMER_ENTITY, id, page);
  }

  /**
   * Records a revenue entry on a visible customer (see RevenueLedgerService): counted once per
   * reference and occurrence, however often it is retried or raced; the totals follow the ledger.
   */
  recordRevenue(customerId: string, input: RevenueInput): Promise<CustomerResponse> {
    return this.ledger.record(customerId, input);
  }

  /** Reverses the entry recorded under a reference (idempotent; works before the entry has landed). */
  reverseRevenue(customerId: string, input: RevenueReversalInput): Promise<CustomerResponse> {
    return this.ledger.reverseReference(customerId, input);
  }

  private async existingForLead(leadId: string): Promise<CustomerResponse> {
    const existing = await this.records.load(leadId, { includeDeleted: true });
    if (existing.deletedAt) {
      throw new CustomerError(
        CustomerErrorCode.LEAD_CUSTOMER_DELETED,
        `The customer converted from lead ${leadId} was deleted; restore it instead.`,
        { customerId: leadId },
      );
    }
    return toCustomerResponse(existing);
  }

  private async companyForWrite(companyId: string): Promise<void> {
    try {
      await this.companies.assertVisible(companyId);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      throw new CustomerError(
        CustomerErrorCode.COMPANY_NOT_FOUND,
        `Company ${companyId} does not exist in this tenant (or is not visible to you).`,
      );
    }
  }

  private async companyForRestore(companyId: string): Promise<void> {
    try {
      await this.companies.assertVisible(companyId);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      throw new CustomerError(CustomerErrorCode.COMPANY_GONE, `The customer's company ${companyId} no longer exists.`);
    }
  }
}

function isExternalIdTaken(e: unknown): boolean {
  return e instanceof CustomerError && e.code === CustomerErrorCode.EXTERNAL_ID_TAKEN;
}

function isNotFound(e: unknown): boolean {
  return e instanceof DomainError && e.kind === ErrorKind.NOT_FOUND;
}

function addressOf(a: NonNullable<CreateCustomerDto['address']>): NonNullable<Customer['address']> {
  return {
    street: a.street ?? null,
    city: a.city ?? null,
    region: a.region ?? null,
    postalCode: a.postalCode ?? null,
    country: a.country ?? null,
  };
}
