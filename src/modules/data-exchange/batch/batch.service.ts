import { Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { classify, problemBody } from '@app/common';
import { DataExchangeError, DataExchangeErrorCode } from '../data-exchange.errors';
import type { BatchItemResultDto, BatchOperationDto, BatchRequestDto, BatchResponseDto } from '../dto/batch.dto';
import type { CustomerMatchField } from '../../customer';
import { CustomerOperations } from './customer-operation';
import type { OperationOutcome } from './record-operations';

const STATUS: Record<OperationOutcome, number> = { created: 201, updated: 200, unchanged: 200, deleted: 204 };

/**
 * POST /customers/batch: the operations one after another, each atomic on its own (a failure is
 * that item's result, not the request's); each answers what its single route would.
 */
@Injectable()
export class BatchService {
  constructor(
    private readonly operations: CustomerOperations,
    private readonly cls: ClsService,
  ) {}

  async run(req: BatchRequestDto, instance: string): Promise<BatchResponseDto> {
    const results: BatchItemResultDto[] = [];
    for (const [index, op] of req.operations.entries()) {
      try {
        const done = await this.operations.apply({ op: op.op, id: op.id, match: matchOf(op), data: op.data });
        results.push({ index, status: STATUS[done.outcome], id: done.record?.id, outcome: done.outcome });
      } catch (e) {
        const c = classify(e);
        if (c.status >= 500) throw e;
        const error = problemBody(c, `${instance}#/operations/${index}`, this.cls.getId() ?? '');
        results.push({ index, status: c.status, error });
      }
    }
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
