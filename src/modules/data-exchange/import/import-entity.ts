import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { discover } from '@app/tenancy';
import type { MatchField } from '../../../domain/natural-key';
import type { OperatedRecord, OperationOptions, OperationResult, RecordOperation } from '../batch/record-operations';

/** What may be imported: the `entity` form field of POST /imports. */
export const IMPORT_ENTITIES = ['customers', 'leads'] as const;
export type ImportEntityName = (typeof IMPORT_ENTITIES)[number];

/** How the cells of a row become the body of a create. */
export interface ImportColumns {
  /** Fields a row may set: a column named like one, or mapped to one. */
  readonly fields: readonly string[];
  /** Columns an exported record has that the server computes: skipped. */
  readonly computed: ReadonlySet<string>;
  /** Cells holding a JSON array (`tags` also as an `a;b` list). */
  readonly lists: ReadonlySet<string>;
  /** Cells read as numbers (a cell that is no number is passed on, and validation names it). */
  readonly numbers: ReadonlySet<string>;
  /** Columns gathered into one `address` object (NDJSON rows may give `address` as it is). */
  readonly address: readonly string[];
}

/**
 * One kind of record an import writes (customers, leads), declared with `@ImportEntityProvider()`: the
 * runner and the revert speak only to this, so a new kind edits neither of them. Every write goes
 * through the owning module's exported service (validated, version-checked, audited, evented).
 */
export interface ImportEntity {
  readonly name: ImportEntityName;
  /** The record's name in messages ('customer', 'lead'). */
  readonly noun: string;
  /** The natural keys rows may be matched by (upsert, update). */
  readonly matchFields: readonly MatchField[];
  readonly columns: ImportColumns;
  apply(op: RecordOperation, opts: OperationOptions<OperatedRecord>): Promise<OperationResult<OperatedRecord>>;
  /** The live record the import may see, or null. */
  find(id: string): Promise<OperatedRecord | null>;
  /** The PATCH fields of the record as they are: what a revert writes back. */
  undoFields(record: OperatedRecord): Record<string, unknown>;
  /** Removes a record the import created, if it is still at `expectedVersion` (else 412). */
  remove(id: string, expectedVersion: number): Promise<void>;
  /** Writes `before` back (PATCH fields), if the record is still at `expectedVersion` (else 412). */
  restore(id: string, before: Record<string, unknown>, expectedVersion: number): Promise<void>;
}

export const ImportEntityProvider = DiscoveryService.createDecorator<void>();

/** Every registered import entity, by the name the form gives. */
@Injectable()
export class ImportEntities {
  private byName?: Map<string, ImportEntity>;

  constructor(private readonly discovery: DiscoveryService) {}

  /** The entity of this name; undefined when none is registered. */
  find(name: string): ImportEntity | undefined {
    this.byName ??= new Map(
      discover<ImportEntity>(this.discovery, ImportEntityProvider).map((e) => [e.name as string, e]),
    );
    return this.byName.get(name);
  }

  /** The entity of a stored import (its name was checked when the import was accepted). */
  get(name: string): ImportEntity {
    const entity = this.find(name);
    if (!entity) throw new Error(`no import entity "${name}" is registered`);
    return entity;
  }
}
