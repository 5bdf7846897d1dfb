import { DomainError, ErrorKind, validatedInput } from '@app/common';
import type { MatchField } from '../../../domain/natural-key';
import type {
  OperatedRecord,
  OperationOptions,
  OperationResult,
  RecordOperation,
  RecordOperations,
} from '../batch/record-operations';
import type { ImportColumns, ImportEntity, ImportEntityName } from './import-entity';

/**
 * An import entity whose rows are the operations of a record kind (its module's service behind a
 * RecordPort): a kind declares only its name, columns, match fields and what a revert writes back.
 */
export abstract class RecordImportEntity<
  R extends OperatedRecord,
  C extends { companyId: string },
  U extends object,
> implements ImportEntity {
  abstract readonly name: ImportEntityName;
  abstract readonly matchFields: readonly MatchField[];
  abstract readonly columns: ImportColumns;

  constructor(private readonly operations: RecordOperations<R, C, U>) {}

  get noun(): string {
    return this.operations.port.noun;
  }

  abstract undoFields(record: OperatedRecord): Record<string, unknown>;

  apply(op: RecordOperation, opts: OperationOptions<OperatedRecord>): Promise<OperationResult<OperatedRecord>> {
    return this.operations.apply(op, opts);
  }

  async find(id: string): Promise<OperatedRecord | null> {
    try {
      return await this.operations.port.get(id);
    } catch (e) {
      if (e instanceof DomainError && e.kind === ErrorKind.NOT_FOUND) return null;
      throw e;
    }
  }

  async remove(id: string, expectedVersion: number): Promise<void> {
    await this.operations.port.remove(id, expectedVersion);
  }

  async restore(id: string, before: Record<string, unknown>, expectedVersion: number): Promise<void> {
    const { port } = this.operations;
    await port.update(id, await validatedInput(port.updateDto, before), expectedVersion);
  }
}

/** The named fields of a record, null where it has none. */
export function pick(record: object, keys: readonly string[]): Record<string, unknown> {
  const v = record as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, v[k] ?? null]));
}
