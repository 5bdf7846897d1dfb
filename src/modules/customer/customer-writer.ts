import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { ClsService } from 'nestjs-cls';
import type { UpdateQuery } from 'mongoose';
import { diffFields, FieldDiff, staleVersion } from '@app/common';
import { RecordLock, TenantContext } from '@app/tenancy';
import { AuditService } from '../audit/audit.service';
import { customerSearchTokens, SEARCHABLE_FIELDS } from './customer-search';
import { contactNotFound, CustomerError, CustomerErrorCode, customerNotFound } from './customer.errors';
import { toCustomerResponse } from './customer.mapper';
import { CustomerRepository, Liveness } from './customer.repository';
import type { CustomerResponse } from './dto/customer.response';
import { CustomerDomainEvent, CustomerEventName } from './events/customer.events';
import type { Customer, CustomerLean } from './schemas/customer.schema';

export const CUSTOMER_ENTITY = 'customer';

/** Response fields that change on every write or only mirror another field: not worth auditing. */
const NOT_AUDITED = ['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'statusHistory'];
const MAX_ATTEMPTS = 8;

/** One write to a customer, computed from its current state. */
export interface CustomerUpdate {
  set?: Partial<Customer>;
  inc?: Partial<Record<'totalRevenueMinor' | 'purchaseCount', number>>;
  min?: Partial<Record<'firstPurchaseAt', Date>>;
  max?: Partial<Record<'lastPurchaseAt', Date>>;
  /** Extra conditions the document must still meet when the update lands. */
  guard?: Record<string, unknown>;
  /** Overrides the computed field diff in audit and event (deleted/restored). */
  changes?: Record<string, FieldDiff>;
}

export interface MutateOptions {
  /** From If-Match: the write happens only at this version, else 412. */
  expectedVersion?: number;
  liveness?: Liveness;
}

/**
 * Every customer write goes through here: read, compute, write conditionally on the version
 * read (no transactions on FerretDB, so a document-level compare-and-set is the unit of
 * atomicity), retry on a lost race, then audit and emit the domain event. A change that
 * computes to nothing writes nothing and emits nothing.
 */
@Injectable()
export class CustomerWriter {
  private readonly logger = new Logger(CustomerWriter.name);

  constructor(
    private readonly repo: CustomerRepository,
    private readonly audit: AuditService,
    private readonly events: EventEmitter2,
    private readonly context: TenantContext,
    private readonly cls: ClsService,
    /** Per-customer serialisation: FerretDB has no atomic conditional update (see RecordLock). */
    private readonly lock: RecordLock,
  ) {}

  /** The customer if it exists in this tenant and the principal may see it; else customer.not_found. */
  async load(id: string, liveness: Liveness = 'live'): Promise<CustomerLean> {
    const row = await this.repo.findOne(id, { liveness, companies: this.context.principal.companies });
    if (!row) throw customerNotFound(id);
    return row;
  }

  mutate(
    id: string,
    event: CustomerEventName,
    change: (current: CustomerLean, at: Date) => CustomerUpdate | null,
    opts: MutateOptions = {},
  ): Promise<CustomerResponse> {
    return this.lock.run(`customer:${id}`, () => this.mutateNow(id, event, change, opts));
  }

  private async mutateNow(
    id: string,
    event: CustomerEventName,
    change: (current: CustomerLean, at: Date) => CustomerUpdate | null,
    opts: MutateOptions,
  ): Promise<CustomerResponse> {
    const liveness = opts.liveness ?? 'live';
    for (let attempt = 1; ; attempt++) {
      const current = await this.load(id, liveness);
      if (opts.expectedVersion !== undefined && current.version !== opts.expectedVersion) {
        throw staleVersion(CUSTOMER_ENTITY, opts.expectedVersion, current.version);
      }
      const at = new Date();
      const update = change(current, at);
      if (!update) return toCustomerResponse(current);
      const after = await this.repo.updateIfVersion(
        id,
        current.version,
        this.toQuery(current, update, at),
        { liveness, companies: this.context.principal.companies },
        update.guard,
      );
      if (after) {
        const before = toCustomerResponse(current);
        const response = toCustomerResponse(after);
        await this.publish(event, before, response, at, update.changes);
        return response;
      }
      if (attempt >= MAX_ATTEMPTS) {
        throw new CustomerError(CustomerErrorCode.WRITE_CONFLICT, 'The customer is changing too fast; retry.');
      }
      // Lost a race with another writer: back off a little (jittered) and recompute.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }

  /** Writes the audit event, then emits the domain event. `before` is null for created. */
  async publish(
    name: CustomerEventName,
    before: CustomerResponse | null,
    after: CustomerResponse,
    at: Date,
    changes?: Record<string, FieldDiff>,
  ): Promise<void> {
    const diff = changes ?? diffFields({ ...(before ?? {}) }, { ...after }, NOT_AUDITED);
    await this.audit.record({
      action: name,
      entityType: CUSTOMER_ENTITY,
      entityId: after.id,
      companyId: after.companyId,
      changes: diff,
      at,
    });
    const quiet =
      name === CustomerEventName.CREATED || name === CustomerEventName.DELETED || name === CustomerEventName.RESTORED;
    const payload = new CustomerDomainEvent(
      name,
      this.context.tenantId,
      after.companyId,
      after.id,
      this.context.actor,
      at,
      { ...after },
      quiet ? {} : diff,
      this.cls.isActive() ? this.cls.getId() : undefined,
    );
    try {
      this.events.emit(name, payload);
    } catch (err) {
      // A failing listener must not turn a successful write into an error response.
      this.logger.error({ err, event: name, customerId: after.id }, 'customer event listener failed');
    }
  }

  /** Finds a contact of the customer, or contact.not_found. */
  static contactIndex(c: CustomerLean, contactId: string): number {
    const i = c.contacts.findIndex((p) => p._id.toHexString() === contactId);
    if (i < 0) throw contactNotFound(contactId);
    return i;
  }

  private toQuery(current: CustomerLean, u: CustomerUpdate, at: Date): UpdateQuery<Customer> {
    const set: Partial<Customer> = { ...u.set, updatedAt: at, updatedBy: this.context.actor };
    if (u.set && SEARCHABLE_FIELDS.some((f) => f in (u.set as object))) {
      set.searchTokens = customerSearchTokens({ ...current, ...u.set });
    }
    const query: UpdateQuery<Customer> = { $set: set, $inc: { ...u.inc, version: 1 } };
    if (u.min) query.$min = u.min;
    if (u.max) query.$max = u.max;
    return query;
  }
}
