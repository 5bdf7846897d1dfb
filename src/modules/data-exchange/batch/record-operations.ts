import type { Type } from '@nestjs/common';
import { validatedInput } from '@app/common';
import type { RecordLock } from '@app/tenancy';
import type { MatchField } from '../../../domain/natural-key';
import { DataExchangeError, DataExchangeErrorCode } from '../data-exchange.errors';
import type { BatchOp } from '../dto/batch.dto';

/** What operations need of a record: its id, company and version. */
export interface OperatedRecord {
  id: string;
  companyId: string;
  version: number;
}

/**
 * How one kind of record (customers, leads) is written by batch items and import rows: through the
 * exported service of the module that owns it, and validated by the DTOs of its own routes.
 */
export interface RecordPort<R extends OperatedRecord, C extends { companyId: string }, U extends object> {
  /** The record's name in messages and lock keys ('customer', 'lead'). */
  readonly noun: string;
  readonly createDto: Type<C>;
  readonly updateDto: Type<U>;
  /** Fields of a create body the update side of an upsert leaves as they are (PATCH does not take them). */
  readonly createOnly: readonly string[];
  create(dto: C, id?: string): Promise<R>;
  get(id: string): Promise<R>;
  update(id: string, dto: U, expectedVersion?: number): Promise<R>;
  remove(id: string, expectedVersion?: number): Promise<R | null>;
  /** Live records with this natural key, at most two (one, or ambiguous). */
  findMatching(field: MatchField, value: string): Promise<R[]>;
  /** The unique externalId key refused a create. */
  isExternalIdTaken(e: unknown): boolean;
}

/** One write to one record, as a batch item or an import row describes it. */
export interface RecordOperation {
  op: BatchOp;
  id?: string;
  match?: { field: MatchField; value: string };
  data?: Record<string, unknown>;
  /** Matches only records of this company (an import's), and creates there. */
  companyId?: string;
  /** The id of a record this operation creates (an import row's own, so a replay finds it). */
  newId?: string;
}

/** How an import takes part in an operation. */
export interface OperationOptions<R> {
  /** Validate and look up only: the outcome the operation would have, nothing written. */
  dryRun?: boolean;
  /** Called with the record as it is, right before an update is written (undo log). */
  beforeUpdate?: (current: R) => Promise<void>;
}

export type OperationOutcome = 'created' | 'updated' | 'unchanged' | 'deleted';

export interface OperationResult<R> {
  outcome: OperationOutcome;
  /** Null on a dry run of a create. */
  record: R | null;
}

/**
 * Applies one create/update/upsert/delete to a record through its module's service, so every write
 * is the single write of the same route (version-checked, audited, evented): each operation is atomic
 * on its own. Upserts that match by a natural key are serialised per key (RecordLock, shared by every
 * instance), so two concurrent upserts of one email make one record; externalId has its unique key
 * besides, and a create that loses that race becomes the update.
 */
export class RecordOperations<R extends OperatedRecord, C extends { companyId: string }, U extends object> {
  constructor(
    /** The records written (an import reads, removes and restores them through it too). */
    readonly port: RecordPort<R, C, U>,
    private readonly lock: RecordLock,
  ) {}

  async apply(op: RecordOperation, opts: OperationOptions<R> = {}): Promise<OperationResult<R>> {
    switch (op.op) {
      case 'create':
        return this.create(op, await validatedInput(this.port.createDto, required(op.data), 'data'), opts);
      case 'update': {
        const id = await this.target(op);
        return this.update(id, op.data, opts);
      }
      case 'delete': {
        const id = await this.target(op);
        if (opts.dryRun) return { outcome: 'deleted', record: await this.port.get(id) };
        return { outcome: 'deleted', record: await this.port.remove(id) };
      }
      case 'upsert':
        return this.upsert(op, opts);
    }
  }

  private async create(op: RecordOperation, dto: C, opts: OperationOptions<R>): Promise<OperationResult<R>> {
    if (op.companyId && dto.companyId !== op.companyId) {
      throw new DataExchangeError(DataExchangeErrorCode.MATCH_OTHER_COMPANY, 'companyId must be the import company.');
    }
    if (opts.dryRun) return { outcome: 'created', record: null };
    try {
      return { outcome: 'created', record: await this.port.create(dto, op.newId) };
    } catch (e) {
      // Replayed after a crash: the row's record is there already.
      const existing = op.newId ? await this.port.get(op.newId).catch(() => null) : null;
      if (existing) return { outcome: 'created', record: existing };
      throw e;
    }
  }

  private async update(
    id: string,
    data: Record<string, unknown> | undefined,
    opts: OperationOptions<R>,
  ): Promise<OperationResult<R>> {
    const dto = await validatedInput(this.port.updateDto, required(data), 'data');
    const before = await this.port.get(id);
    if (opts.dryRun) return { outcome: 'updated', record: before };
    await opts.beforeUpdate?.(before);
    const record = await this.port.update(id, dto);
    return { outcome: record.version === before.version ? 'unchanged' : 'updated', record };
  }

  private async upsert(op: RecordOperation, opts: OperationOptions<R>): Promise<OperationResult<R>> {
    const data = required(op.data);
    const create = await validatedInput(this.port.createDto, matchedData(op, data), 'data');
    const match = op.match ?? (op.id ? undefined : noMatch());
    if (!match) return this.update(op.id ?? '', this.withoutCreateOnly(data), opts);
    const key = `${this.port.noun}-match:${match.field}:${match.value.trim().toLowerCase()}`;
    return this.lock.run(key, async () => {
      const found = await this.find(match, op.companyId ?? create.companyId);
      if (found) return this.update(found.id, this.withoutCreateOnly(data), opts);
      try {
        return await this.create(op, create, opts);
      } catch (e) {
        // Created meanwhile elsewhere with this externalId (the unique key refused ours).
        if (!this.port.isExternalIdTaken(e)) throw e;
        const now = await this.find(match, create.companyId);
        if (!now) throw e;
        return this.update(now.id, this.withoutCreateOnly(data), opts);
      }
    });
  }

  /** The id named, or the one record the match finds (404 none, 409 several). */
  private async target(op: RecordOperation): Promise<string> {
    if (op.id) return op.id;
    if (!op.match) {
      throw new DataExchangeError(DataExchangeErrorCode.ID_REQUIRED, `${op.op} needs id or match.`);
    }
    const found = await this.find(op.match, op.companyId);
    if (!found) {
      throw new DataExchangeError(
        DataExchangeErrorCode.NOT_MATCHED,
        `No ${this.port.noun} has this ${op.match.field}.`,
      );
    }
    return found.id;
  }

  private async find(match: NonNullable<RecordOperation['match']>, companyId?: string): Promise<R | null> {
    const found = await this.port.findMatching(match.field, match.value);
    if (found.length > 1) {
      throw new DataExchangeError(
        DataExchangeErrorCode.MATCH_AMBIGUOUS,
        `${found.length} ${this.port.noun}s have this ${match.field}; name one by id.`,
        { ids: found.map((c) => c.id).slice(0, 10) },
      );
    }
    const [one] = found;
    if (one && companyId && one.companyId !== companyId) {
      throw new DataExchangeError(
        DataExchangeErrorCode.MATCH_OTHER_COMPANY,
        `The ${this.port.noun} with this ${match.field} belongs to another company.`,
        { ids: [one.id] },
      );
    }
    return one ?? null;
  }

  private withoutCreateOnly(data: Record<string, unknown>): Record<string, unknown> {
    const rest = { ...data };
    for (const k of this.port.createOnly) delete rest[k];
    return rest;
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

/**
 * An upsert creates the record with the key it matched by (email, website or externalId), unless its
 * data sets that field itself: the next upsert of the same key finds it.
 */
function matchedData(op: RecordOperation, data: Record<string, unknown>): Record<string, unknown> {
  if (op.match && data[op.match.field] === undefined) return { ...data, [op.match.field]: op.match.value };
  return data;
}
