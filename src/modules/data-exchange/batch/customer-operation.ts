import { Injectable } from '@nestjs/common';
import { validatedInput } from '@app/common';
import { RecordLock } from '@app/tenancy';
import {
  CreateCustomerDto,
  CustomerError,
  CustomerErrorCode,
  type CustomerMatchField,
  type CustomerResponse,
  CustomerService,
  UpdateCustomerDto,
} from '../../customer';
import { DataExchangeError, DataExchangeErrorCode } from '../data-exchange.errors';
import type { BatchOp } from '../dto/batch.dto';

/** One write to one customer, as a batch item or an import row describes it. */
export interface CustomerOperation {
  op: BatchOp;
  id?: string;
  match?: { field: CustomerMatchField; value: string };
  data?: Record<string, unknown>;
  /** Matches only customers of this company (an import's), and creates there. */
  companyId?: string;
  /** The id of a customer this operation creates (an import row's own, so a replay finds it). */
  newId?: string;
}

/** How an import takes part in an operation. */
export interface OperationOptions {
  /** Validate and look up only: the outcome the operation would have, nothing written. */
  dryRun?: boolean;
  /** Called with the customer as it is, right before an update is written (undo log). */
  beforeUpdate?: (current: CustomerResponse) => Promise<void>;
}

export type OperationOutcome = 'created' | 'updated' | 'unchanged' | 'deleted';

export interface OperationResult {
  outcome: OperationOutcome;
  /** Null on a dry run of a create. */
  customer: CustomerResponse | null;
  /** The customer as it was before an update (import undo). */
  before?: CustomerResponse;
}

/** Fields of a create body that PATCH does not take: on the update side of an upsert they are left as they are. */
const CREATE_ONLY = ['companyId', 'status', 'assignedTo', 'contacts'] as const;

/**
 * Applies one create/update/upsert/delete to a customer through CustomerService, so every write is
 * the single write of the same route (version-checked, audited, evented): each operation is atomic on
 * its own. Upserts that match by a natural key are serialised per key (RecordLock, shared by every
 * instance), so two concurrent upserts of one email make one customer; externalId has its unique key
 * besides, and a create that loses that race becomes the update.
 */
@Injectable()
export class CustomerOperations {
  constructor(
    private readonly customers: CustomerService,
    private readonly lock: RecordLock,
  ) {}

  async apply(op: CustomerOperation, opts: OperationOptions = {}): Promise<OperationResult> {
    switch (op.op) {
      case 'create':
        return this.create(op, await validatedInput(CreateCustomerDto, required(op.data), 'data'), opts);
      case 'update': {
        const id = await this.target(op);
        return this.update(id, op.data, opts);
      }
      case 'delete': {
        const id = await this.target(op);
        if (opts.dryRun) return { outcome: 'deleted', customer: await this.customers.get(id) };
        return { outcome: 'deleted', customer: await this.customers.remove(id) };
      }
      case 'upsert':
        return this.upsert(op, opts);
    }
  }

  private async create(
    op: CustomerOperation,
    dto: CreateCustomerDto,
    opts: OperationOptions,
  ): Promise<OperationResult> {
    if (op.companyId && dto.companyId !== op.companyId) {
      throw new DataExchangeError(DataExchangeErrorCode.MATCH_OTHER_COMPANY, 'companyId must be the import company.');
    }
    if (opts.dryRun) return { outcome: 'created', customer: null };
    try {
      return { outcome: 'created', customer: await this.customers.create(dto, { id: op.newId }) };
    } catch (e) {
      // Replayed after a crash: the row's customer is there already.
      const existing = op.newId ? await this.customers.get(op.newId).catch(() => null) : null;
      if (existing) return { outcome: 'created', customer: existing };
      throw e;
    }
  }

  private async update(
    id: string,
    data: Record<string, unknown> | undefined,
    opts: OperationOptions,
  ): Promise<OperationResult> {
    const dto = await validatedInput(UpdateCustomerDto, required(data), 'data');
    const before = await this.customers.get(id);
    if (opts.dryRun) return { outcome: 'updated', customer: before, before };
    await opts.beforeUpdate?.(before);
    const customer = await this.customers.update(id, dto);
    return { outcome: customer.version === before.version ? 'unchanged' : 'updated', customer, before };
  }

  private async upsert(op: CustomerOperation, opts: OperationOptions): Promise<OperationResult> {
    const data = required(op.data);
    const create = await validatedInput(CreateCustomerDto, matchedData(op, data), 'data');
    const match = op.match ?? (op.id ? undefined : noMatch());
    if (!match) return this.update(op.id ?? '', withoutCreateOnly(data), opts);
    return this.lock.run(`customer-match:${match.field}:${match.value.trim().toLowerCase()}`, async () => {
      const found = await this.find(match, op.companyId ?? create.companyId);
      if (found) return this.update(found.id, withoutCreateOnly(data), opts);
      try {
        return await this.create(op, create, opts);
      } catch (e) {
        // Created meanwhile elsewhere with this externalId (the unique key refused ours).
        if (!(e instanceof CustomerError && e.code === CustomerErrorCode.EXTERNAL_ID_TAKEN)) throw e;
        const now = await this.find(match, create.companyId);
        if (!now) throw e;
        return this.update(now.id, withoutCreateOnly(data), opts);
      }
    });
  }

  /** The id named, or the one customer the match finds (404 none, 409 several). */
  private async target(op: CustomerOperation): Promise<string> {
    if (op.id) return op.id;
    if (!op.match) {
      throw new DataExchangeError(DataExchangeErrorCode.ID_REQUIRED, `${op.op} needs id or match.`);
    }
    const found = await this.find(op.match, op.companyId);
    if (!found) {
      throw new DataExchangeError(DataExchangeErrorCode.NOT_MATCHED, `No customer has this ${op.match.field}.`);
    }
    return found.id;
  }

  private async find(
    match: NonNullable<CustomerOperation['match']>,
    companyId?: string,
  ): Promise<CustomerResponse | null> {
    const found = await this.customers.findMatching(match.field, match.value);
    if (found.length > 1) {
      throw new DataExchangeError(
        DataExchangeErrorCode.MATCH_AMBIGUOUS,
        `${found.length} customers have this ${match.field}; name one by id.`,
        { ids: found.map((c) => c.id).slice(0, 10) },
      );
    }
    const [one] = found;
    if (one && companyId && one.companyId !== companyId) {
      throw new DataExchangeError(
        DataExchangeErrorCode.MATCH_OTHER_COMPANY,
        `The customer with this ${match.field} belongs to another company.`,
        { ids: [one.id] },
      );
    }
    return one ?? null;
  }
}

function required(data: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!data) throw new DataExchangeError(DataExchangeErrorCode.DATA_REQUIRED, 'This operation needs data.');
  return data;
}

function noMatch(): never {
  throw new DataExchangeError(
    DataExchangeErrorCode.MATCH_REQUIRED,
    'upsert needs match (email, website or externalId).',
  );
}

/** An upsert by externalId creates the customer with that externalId. */
function matchedData(op: CustomerOperation, data: Record<string, unknown>): Record<string, unknown> {
  if (op.match?.field === 'externalId' && data.externalId === undefined) return { ...data, externalId: op.match.value };
  return data;
}

function withoutCreateOnly(data: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...data };
  for (const k of CREATE_ONLY) delete rest[k];
  return rest;
}
