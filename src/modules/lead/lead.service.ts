import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { ClsService } from 'nestjs-cls';
import { Types } from 'mongoose';
import {
  canSeeCompany,
  DomainError,
  diffFields,
  ErrorKind,
  initialContacts,
  isEmptyDiff,
  keysetPage,
  listFilter,
  parseSort,
  queryScope,
  DEFAULT_RECORD_SORT,
  RECORD_SORT_FIELDS,
} from '@app/common';
import { InjectTenantModel, RecordLock, TenantContext, TenantModel } from '@app/tenancy';
import { AuditService } from '../audit/audit.service';
import { CompanyService } from '../tenant/company.service';
import type { CreateLeadDto } from './dto/create-lead.dto';
import type { LeadPageResponse, LeadResponse } from './dto/lead.response';
import type { ListLeadsQueryDto } from './dto/list-leads-query.dto';
import type { UpdateLeadDto } from './dto/update-lead.dto';
import { LeadDomainEvent, LeadEventName } from './events/lead.events';
import { LeadError, LeadErrorCode, leadNotFound } from './lead.errors';
import { leadSearchTokens } from './lead-listing';
import { toLeadResponse, toMinor } from './lead.mapper';
import { Lead, LeadLean, LeadSource, LeadStatus } from './schemas/lead.schema';

const DEFAULT_LIMIT = 25;
/** Fields that may be omitted in a PATCH but never set to null. */
const NOT_NULLABLE = ['companyId', 'name', 'source', 'status', 'tags', 'contacts'] as const;

/**
 * Leads of the current tenant: CRUD, lists and search. Every read is scoped to live leads of
 * companies the principal may see; converted leads are read-only.
 */
@Injectable()
export class LeadService {
  constructor(
    @InjectTenantModel(Lead.name) private readonly leads: TenantModel<Lead>,
    private readonly companies: CompanyService,
    private readonly audit: AuditService,
    private readonly events: EventEmitter2,
    private readonly context: TenantContext,
    private readonly cls: ClsService,
    private readonly lock: RecordLock,
  ) {}

  async create(dto: CreateLeadDto): Promise<LeadResponse> {
    await this.companies.assertVisible(dto.companyId);
    const actor = this.context.actor;
    const now = new Date();
    const doc: Omit<Lead, 'searchTokens'> = {
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
      createdBy: actor,
      updatedBy: actor,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const created = await this.leads.current().create({ ...doc, searchTokens: leadSearchTokens(doc) });
    const lead = toLeadResponse(created.toObject<LeadLean>());
    await this.afterWrite(LeadEventName.CREATED, lead, diffFields({}, lead, ['id', 'createdAt', 'updatedAt']));
    return lead;
  }

  async get(id: string): Promise<LeadResponse> {
    return toLeadResponse(await this.load(id));
  }

  async list(query: ListLeadsQueryDto): Promise<LeadPageResponse> {
    if (query.companyId) await this.companies.assertVisible(query.companyId);
    const { companyId, status, assignedTo, tag, q, updatedSince } = query;
    const page = await keysetPage({
      filter: listFilter(query, this.context.principal.companies),
      sort: parseSort(query.sort, RECORD_SORT_FIELDS, DEFAULT_RECORD_SORT),
      scope: queryScope({ companyId, status, assignedTo, tag, q, updatedSince }),
      cursor: query.cursor,
      limit: query.limit ?? DEFAULT_LIMIT,
      find: (where, sort, limit) => this.leads.current().find(where).sort(sort).limit(limit).lean<LeadLean[]>(),
    });
    return { data: page.rows.map(toLeadResponse), nextCursor: page.nextCursor };
  }

  update(id: string, dto: UpdateLeadDto, expectedVersion?: number): Promise<LeadResponse> {
    return this.lock.run(`lead:${id}`, () => this.updateLocked(id, dto, expectedVersion));
  }

  private async updateLocked(id: string, dto: UpdateLeadDto, expectedVersion?: number): Promise<LeadResponse> {
    for (const field of NOT_NULLABLE) {
      if (dto[field] === null) {
        throw new DomainError(ErrorKind.BAD_REQUEST, 'request.validation_failed', `${field} cannot be null.`, {}, [
          { path: field, message: `${field} cannot be null` },
        ]);
      }
    }
    const current = await this.load(id);
    this.assertWritable(current);
    if (expectedVersion !== undefined && expectedVersion !== current.version)
      throw stale(current.version, expectedVersion);
    if (dto.companyId !== undefined && dto.companyId !== current.companyId)
      await this.companies.assertVisible(dto.companyId);

    const next: Lead = {
      ...current,
      ...definedOnly({
        companyId: dto.companyId,
        name: dto.name,
        nameSort: dto.name?.toLowerCase(),
        companyName: dto.companyName,
        email: dto.email,
        phone: dto.phone,
        website: dto.website,
        source: dto.source,
        status: dto.status,
        assignedTo: dto.assignedTo,
        tags: dto.tags,
        notes: dto.notes,
        estimatedValueMinor:
          dto.estimatedValue === undefined
            ? undefined
            : dto.estimatedValue === null
              ? null
              : toMinor(dto.estimatedValue),
        contacts: dto.contacts === undefined ? undefined : initialContacts(dto.contacts),
      }),
    };
    const before = toLeadResponse(current);
    const changes = diffFields(before, toLeadResponse({ ...next, _id: current._id }), IGNORED_IN_DIFF);
    if (isEmptyDiff(changes)) return before;

    const set = {
      ...pick(next, SETTABLE),
      searchTokens: leadSearchTokens(next),
      updatedBy: this.context.actor,
    };
    const updated = await this.leads
      .current()
      .findOneAndUpdate(
        { _id: current._id, version: current.version, deletedAt: null, status: { $ne: LeadStatus.CONVERTED } },
        { $set: set, $inc: { version: 1 } },
        { returnDocument: 'after' },
      )
      .lean<LeadLean>();
    if (!updated) return this.explainLostRace(id, expectedVersion);
    const lead = toLeadResponse(updated);
    await this.afterWrite(LeadEventName.UPDATED, lead, changes);
    return lead;
  }

  remove(id: string): Promise<void> {
    return this.lock.run(`lead:${id}`, () => this.removeLocked(id));
  }

  private async removeLocked(id: string): Promise<void> {
    const current = await this.load(id);
    this.assertWritable(current);
    const res = await this.leads
      .current()
      .updateOne(
        { _id: current._id, deletedAt: null, status: { $ne: LeadStatus.CONVERTED } },
        { $set: { deletedAt: new Date(), updatedBy: this.context.actor }, $inc: { version: 1 } },
      );
    if (res.modifiedCount !== 1) {
      await this.explainLostRace(id);
      return;
    }
    await this.afterWrite(LeadEventName.DELETED, toLeadResponse(current), {});
  }

  /** Internal API of the module (conversion, isolation probe): a live, visible lead or 404. */
  async load(id: string): Promise<LeadLean> {
    if (!Types.ObjectId.isValid(id)) throw leadNotFound(id);
    const row = await this.leads.current().findOne({ _id: id, deletedAt: null }).lean<LeadLean>();
    if (!row || !canSeeCompany(this.context.principal, row.companyId)) throw leadNotFound(id);
    return row;
  }

  /** Removes a lead for good, with its audit trail (isolation probe clean-up only). */
  async purge(id: string): Promise<void> {
    await this.leads.current().deleteOne({ _id: id });
    await this.audit.removeFor('lead', id);
  }

  /** Audit, then the event: both only after the write succeeded. */
  async afterWrite(
    name: LeadEventName,
    lead: LeadResponse,
    changes: ReturnType<typeof diffFields>,
    customerId?: string,
  ) {
    await this.audit.record({
      action: name,
      entityType: 'lead',
      entityId: lead.id,
      companyId: lead.companyId,
      changes,
    });
    this.events.emit(
      name,
      new LeadDomainEvent(
        name,
        this.context.tenantId,
        lead.companyId,
        lead.id,
        this.context.actor,
        new Date(),
        changes,
        customerId,
        this.cls.isActive() ? this.cls.getId() : undefined,
      ),
    );
  }

  assertWritable(lead: LeadLean): void {
    if (lead.status === LeadStatus.CONVERTED) {
      throw new LeadError(LeadErrorCode.READ_ONLY, 'A converted lead is read-only.', { customerId: lead.customerId });
    }
  }

  /** A conditional write matched nothing: say why (gone, converted meanwhile, or changed meanwhile). */
  private async explainLostRace(id: string, expectedVersion?: number): Promise<never> {
    const now = await this.load(id);
    this.assertWritable(now);
    throw stale(now.version, expectedVersion ?? now.version - 1);
  }
}

const SETTABLE = [
  'companyId',
  'name',
  'nameSort',
  'companyName',
  'email',
  'phone',
  'website',
  'source',
  'status',
  'assignedTo',
  'tags',
  'notes',
  'estimatedValueMinor',
  'contacts',
] as const;

const IGNORED_IN_DIFF = ['updatedAt', 'updatedBy', 'version'];

function stale(actual: number, expected: number): LeadError {
  return new LeadError(
    LeadErrorCode.VERSION_MISMATCH,
    `Lead is at version ${actual}, the request expected ${expected}. Reload and retry.`,
    { currentVersion: actual },
  );
}

function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = o[k];
  return out;
}
