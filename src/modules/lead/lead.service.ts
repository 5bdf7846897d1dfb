import { Injectable } from '@nestjs/common';
import {
  isDuplicateKeyOn,
  canonical,
  canSeeCompany,
  DEFAULT_RECORD_SORT,
  DomainError,
  ErrorKind,
  keysetPage,
  listFilter,
  parseSort,
  queryScope,
  RECORD_SORT_FIELDS,
} from '@app/common';
import {
  PublishesEvents,
  PurgeHooks,
  RecordLock,
  type RecordWriter,
  TenantContext,
  VersionedWriter,
} from '@app/tenancy';
import { Types } from 'mongoose';
import { initialContacts } from '../../domain/contacts';
import { externalIdFilter, externalKeyOf } from '../../domain/external-id';
import { GroupedMatches, type MatchField } from '../../domain/natural-key';
import { toMinor } from '../../domain/money';
import { CompanyService } from '../company';
import type { CreateLeadDto } from './dto/create-lead.dto';
import type { LeadPageResponse, LeadResponse } from './dto/lead.response';
import type { ListLeadsQueryDto } from './dto/list-leads-query.dto';
import type { UpdateLeadDto } from './dto/update-lead.dto';
import { LeadDomainEvent, LeadEventName } from './events/lead.events';
import { LeadError, LeadErrorCode, leadNotFound } from './lead.errors';
import { LEAD_SEARCHABLE_FIELDS, leadSearchTokens } from './lead-listing';
import { toLeadResponse } from './lead.mapper';
import { LeadRepository } from './lead.repository';
import { LeadSource, LeadStatus } from './lead.enums';
import type { Lead, LeadLean } from './schemas/lead.schema';

export const LEAD_ENTITY = 'lead';
/** Fields of a lead that hold personal data: redacted in its audit trail when it is erased. */
const LEAD_PERSONAL_FIELDS: readonly string[] = [
  'name',
  'companyName',
  'email',
  'phone',
  'website',
  'notes',
  'contacts',
];
const DEFAULT_LIMIT = 25;
/** Fields that may be omitted in a PATCH but never set to null. */
const NOT_NULLABLE = ['companyId', 'name', 'source', 'status', 'tags', 'contacts'] as const;

/**
 * Leads of the current tenant: CRUD, lists and search. Every read is scoped to live leads of
 * companies the principal may see; converted leads are read-only. Writes go through the shared
 * versioned writer (version-checked, audited, evented).
 */
@PublishesEvents(Object.values(LeadEventName))
@Injectable()
export class LeadService {
  /** Lead records as the shared writer handles them; the conversion writes through it too. */
  readonly records: RecordWriter<LeadLean, LeadResponse>;
  private readonly lock: RecordLock;
  /** Natural-key lookups of concurrent batch items and import rows, asked in one query (see GroupedMatches). */
  private readonly matches = new GroupedMatches<LeadLean>((filter, limit) => this.repo.find(filter, { _id: 1 }, limit));

  constructor(
    private readonly repo: LeadRepository,
    private readonly companies: CompanyService,
    private readonly context: TenantContext,
    private readonly purgeHooks: PurgeHooks,
    writer: VersionedWriter,
  ) {
    this.lock = writer.lock;
    this.records = writer.for({
      entityType: LEAD_ENTITY,
      store: repo,
      toResponse: toLeadResponse,
      companyOf: (l) => l.companyId,
      visible: (l) => !l.deletedAt && canSeeCompany(this.context.principal, l.companyId),
      notFound: leadNotFound,
      stale: (expected, actual) =>
        new LeadError(
          LeadErrorCode.VERSION_MISMATCH,
          `Lead is at version ${actual}, the request expected ${expected}. Reload and retry.`,
          { currentVersion: actual },
        ),
      duplicate: (e) =>
        isDuplicateKeyOn(e, 'externalKey')
          ? new LeadError(LeadErrorCode.EXTERNAL_ID_TAKEN, 'Another lead of this tenant already has this externalId.')
          : undefined,
      busy: () => new LeadError(LeadErrorCode.WRITE_CONFLICT, 'The lead is changing too fast; retry.'),
      notAudited: ['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy'],
      derive: (next, set) => {
        const derived: Partial<Lead> = {};
        if (set.name !== undefined) derived.nameSort = next.name.toLowerCase();
        if (LEAD_SEARCHABLE_FIELDS.some((f) => f in set)) derived.searchTokens = leadSearchTokens(next);
        if ('externalId' in set) derived.externalKey = externalKeyOf(next._id, next.externalId);
        return derived;
      },
      event: (w) =>
        new LeadDomainEvent(
          w.name as LeadEventName,
          w.tenantId,
          w.after.companyId,
          w.after.id,
          w.actor,
          w.at,
          w.changes,
          w.name === LeadEventName.CONVERTED ? (w.after.customerId ?? undefined) : undefined,
          w.requestId,
        ),
    });
  }

  /** `id` gives the lead a chosen id (an import row's own, so that a replayed row finds its lead). */
  async create(dto: CreateLeadDto, opts: { id?: string } = {}): Promise<LeadResponse> {
    await this.companies.assertVisible(dto.companyId);
    if (opts.id !== undefined && !Types.ObjectId.isValid(opts.id)) {
      throw new DomainError(ErrorKind.BAD_REQUEST, 'request.invalid_id', 'id must be a 24-character hex id.');
    }
    const _id = new Types.ObjectId(opts.id);
    const fields = {
      _id,
      externalId: dto.externalId ?? null,
      externalKey: externalKeyOf(_id, dto.externalId),
      companyId: dto.companyId,
      name: dto.name,
      nameSort: dto.name.toLowerCase(),
      companyName: dto.companyName ?? null,
      email: dto.email ?? null,
      phone: dto.phone ?? null,
      website: dto.website ?? null,
      source: dto.source ?? LeadSource.OTHER,
      status: dto.status ?? LeadStatus.NEW,
      assignedTo: dto.assignedTo ?? null,
      tags: dto.tags ?? [],
      notes: dto.notes ?? null,
      estimatedValueMinor:
        dto.estimatedValue === undefined || dto.estimatedValue === null ? null : toMinor(dto.estimatedValue),
      contacts: initialContacts(dto.contacts ?? []),
      customerId: null,
      convertedAt: null,
      convertedBy: null,
      deletedAt: null,
    };
    return this.records.create({ ...fields, searchTokens: leadSearchTokens(fields) }, LeadEventName.CREATED);
  }

  async get(id: string): Promise<LeadResponse> {
    return toLeadResponse(await this.records.load(id));
  }

  async list(query: ListLeadsQueryDto): Promise<LeadPageResponse> {
    if (query.companyId) await this.companies.assertVisible(query.companyId);
    const { companyId, status, assignedTo, tag, q, updatedSince, externalId } = query;
    const filter = listFilter(query, this.context.principal.companies);
    const page = await keysetPage({
      filter: filter && externalId !== undefined ? { ...filter, ...externalIdFilter(externalId) } : filter,
      sort: parseSort(query.sort, RECORD_SORT_FIELDS, DEFAULT_RECORD_SORT),
      scope: queryScope({ companyId, status, assignedTo, tag, q, updatedSince, externalId }),
      cursor: query.cursor,
      limit: query.limit ?? DEFAULT_LIMIT,
      find: (where, sort, limit) => this.repo.find(where, sort, limit),
    });
    return { data: page.rows.map(toLeadResponse), nextCursor: page.nextCursor };
  }

  /** PATCH: changes the given fields; a body that changes nothing writes nothing. */
  async update(id: string, dto: UpdateLeadDto, expectedVersion?: number): Promise<LeadResponse> {
    for (const field of NOT_NULLABLE) {
      if (dto[field] === null) {
        throw new DomainError(ErrorKind.BAD_REQUEST, 'request.validation_failed', `${field} cannot be null.`, {}, [
          { path: field, message: `${field} cannot be null` },
        ]);
      }
    }
    if (dto.companyId !== undefined) await this.companies.assertVisible(dto.companyId);
    const given: Partial<Lead> = definedOnly({
      companyId: dto.companyId,
      name: dto.name,
      companyName: dto.companyName,
      email: dto.email,
      phone: dto.phone,
      website: dto.website,
      source: dto.source,
      status: dto.status,
      assignedTo: dto.assignedTo,
      tags: dto.tags,
      notes: dto.notes,
      externalId: dto.externalId,
      estimatedValueMinor:
        dto.estimatedValue === undefined ? undefined : dto.estimatedValue === null ? null : toMinor(dto.estimatedValue),
    });
    return this.records.mutate(
      id,
      LeadEventName.UPDATED,
      (current) => {
        this.assertWritable(current);
        const set: Partial<Lead> = {};
        for (const [key, value] of Object.entries(given)) {
          if (canonical(current[key as keyof Lead]) !== canonical(value)) Object.assign(set, { [key]: value });
        }
        // New contacts get new ids, so a given list always counts as a change.
        if (dto.contacts !== undefined) set.contacts = initialContacts(dto.contacts);
        return Object.keys(set).length ? { set } : null;
      },
      { expectedVersion },
    );
  }

  /**
   * Soft delete; converted leads are read-only. A deleted lead lets go of its externalId's key, so it
   * never blocks a new one (a reverted import imported again). `expectedVersion`: 412 if it moved on.
   */
  async remove(id: string, expectedVersion?: number): Promise<void> {
    await this.records.mutate(
      id,
      LeadEventName.DELETED,
      (current, at) => {
        this.assertWritable(current);
        return {
          set: { deletedAt: at, externalKey: externalKeyOf(current._id, null) },
          changes: { deletedAt: { from: null, to: at.toISOString() } },
        };
      },
      { expectedVersion },
    );
  }

  /**
   * Live leads the caller may see whose `field` equals `value` (normalised as stored), in `companyId`
   * when given; at most `limit` (2 tells "one" from "ambiguous").
   */
  async findMatching(
    field: MatchField,
    value: string,
    opts: { companyId?: string; limit?: number } = {},
  ): Promise<LeadResponse[]> {
    const scope = listFilter({ companyId: opts.companyId }, this.context.principal.companies);
    if (!scope) return [];
    const rows = await this.matches.find(this.context.dbName, scope, field, value, opts.limit ?? 2);
    return rows.map(toLeadResponse);
  }

  /** Internal API of the module (conversion, isolation probe): a live, visible lead or 404. */
  load(id: string): Promise<LeadLean> {
    return this.records.load(id);
  }

  /**
   * Removes a lead for good, whatever its state, and lets every module erase what it keeps about it
   * (purge hooks); `leaveNoTrace` removes its audit trail too (the isolation check's probes).
   */
  async erase(id: string, opts: { leaveNoTrace?: boolean } = {}): Promise<void> {
    const current = await this.repo.findById(id);
    if (!current) throw leadNotFound(id);
    await this.repo.remove(id);
    await this.purgeHooks.run({
      entityType: LEAD_ENTITY,
      entityId: id,
      companyId: current.companyId,
      personalFields: LEAD_PERSONAL_FIELDS,
      leaveNoTrace: opts.leaveNoTrace,
    });
  }

  /**
   * Runs `fn` on a live, visible, unconverted lead while holding its record lock, the one its
   * conversion holds: work attached to the lead (an activity) lands either before the conversion
   * (and is carried over by it) or not at all (409: the lead is read-only).
   */
  whileWritable<T>(id: string, fn: (lead: LeadResponse) => Promise<T>): Promise<T> {
    return this.lock.run(`${LEAD_ENTITY}:${id}`, async () => {
      const lead = await this.records.load(id);
      this.assertWritable(lead);
      return fn(toLeadResponse(lead));
    });
  }

  /**
   * A customer merge: a lead converted into one of `sourceIds` (it shares the customer's id) now names the
   * survivor as its customer. Found by `_id` (no index on customerId); idempotent.
   */
  async repointConverted(sourceIds: readonly string[], survivorId: string, dryRun = false): Promise<number> {
    let moved = 0;
    for (const id of sourceIds) {
      const lead = await this.repo.findById(id);
      if (!lead || lead.deletedAt || lead.customerId !== id) continue;
      moved++;
      if (dryRun) continue;
      await this.records.mutate(id, LeadEventName.UPDATED, (l) =>
        l.customerId === id ? { set: { customerId: survivorId } } : null,
      );
    }
    return moved;
  }

  assertWritable(lead: LeadLean): void {
    if (lead.status === LeadStatus.CONVERTED) {
      throw new LeadError(LeadErrorCode.READ_ONLY, 'A converted lead is read-only.', { customerId: lead.customerId });
    }
  }
}

function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
