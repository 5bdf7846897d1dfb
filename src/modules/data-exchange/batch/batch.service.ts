import { Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { classify, problemBody } from '@app/common';
import { type MatchField, normalisedKey } from '../../../domain/natural-key';
import { DataExchangeError, DataExchangeErrorCode } from '../data-exchange.errors';
import type { BatchItemResultDto, BatchOperationDto, BatchRequestDto, BatchResponseDto } from '../dto/batch.dto';
import type { CustomerMatchField } from '../../customer';
import { CustomerOperations } from './customer-operation';
import { inKeyOrder } from './in-key-order';
import type { OperationOutcome } from './record-operations';

const STATUS: Record<OperationOutcome, number> = { created: 201, updated: 200, unchanged: 200, deleted: 204 };

/**
 * POST /customers/batch: each operation atomic on its own (a failure is that item's result, not the
 * request's), answering what its single route would. Operations run side by side, so their writes share
 * commands (inserts, audit entries, events) and their natural-key lookups one query (GroupedMatches);
 * operations that may touch the same customer (the same id, or a natural key one names as match or
 * writes in its data) run one after another in their order, as they would one at a time.
 */
@Injectable()
export class BatchService {
  constructor(
    private readonly operations: CustomerOperations,
    private readonly cls: ClsService,
  ) {}

  async run(req: BatchRequestDto, instance: string): Promise<BatchResponseDto> {
    const results: BatchItemResultDto[] = [];
    let unexpected: { error: unknown } | null = null;
    await inKeyOrder(
      [...req.operations.entries()],
      ([, op]) => keysOf(op),
      async ([index, op]) => {
        try {
          const done = await this.operations.apply({ op: op.op, id: op.id, match: matchOf(op), data: op.data });
          results[index] = { index, status: STATUS[done.outcome], id: done.record?.id, outcome: done.outcome };
        } catch (e) {
          const c = classify(e);
          if (c.status >= 500) {
            unexpected ??= { error: e };
            return;
          }
          const error = problemBody(c, `${instance}#/operations/${index}`, this.cls.getId() ?? '');
          results[index] = { index, status: c.status, error };
        }
      },
    );
    if (unexpected) throw (unexpected as { error: unknown }).error;
    return { results };
  }
}

function matchOf(op: BatchOperationDto): { field: CustomerMatchField; value: string } | undefined {
  if (!op.match) return undefined;
  const given = (['email', 'website', 'externalId'] as const).filter((f) => op.match?.[f] !== undefined);
  if (given.length !== 1) {
    throw new DataExchangeError(
      DataExchangeErrorCode.MATCH_REQUIRED,
      'match names exactly one of email, website or externalId.',
    );
  }
  return { field: given[0], value: op.match[given[0]] as string };
}

/** What an operation may write to: its id, and every natural key it matches by or sets. */
function keysOf(op: BatchOperationDto): string[] {
  const keys = op.id ? [`id:${op.id}`] : [];
  const fields: MatchField[] = ['email', 'website', 'externalId'];
  for (const source of [op.match as Record<string, unknown> | undefined, op.data]) {
    for (const field of fields) {
      const value = source?.[field];
      const key = typeof value === 'string' ? normalisedKey(field, value) : null;
      if (key) keys.push(`${field}:${key.toLowerCase()}`);
    }
  }
  return keys;
}
