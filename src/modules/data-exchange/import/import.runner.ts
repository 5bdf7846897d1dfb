import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { parse } from 'csv-parse';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { ClsService, CLS_ID } from 'nestjs-cls';
import { classify, type Principal, Role } from '@app/common';
import {
  FailpointCrash,
  Failpoints,
  KeyedLock,
  LeaseClaims,
  TenantContext,
  TenantRunner,
  USER_NOTICE,
  UserNotice,
} from '@app/tenancy';
import type { MatchField } from '../../../domain/natural-key';
import type { RecordOperation } from '../batch/record-operations';
import {
  IMPORT_PROGRESS,
  IMPORT_REQUEST_PREFIX,
  ImportDomainEvent,
  ImportEventName,
  type ImportSummary,
} from '../events/import.events';
import { ImportMode, type ImportJobLean, type ImportRowError, ImportStatus } from '../schemas/import-job.schema';
import { ImportEntities } from './import-entity';
import { readUpload } from './import-file';
import { ImportRepository, MAX_STORED_ERRORS } from './import.repository';
import { csvRowToData, jsonRowToData, resolveColumns, RowProblem } from './row-mapping';

/** Where a test can stop an import as if its instance died there. */
export enum ImportFailpoint {
  /** A batch's rows are written; its position and counts are not. */
  AFTER_ROW_WRITES = 'import.after-row-writes',
}

/** Rows per progress write (position, counts and errors land together). */
const BATCH_ROWS = 100;
/** An import holds its lease this long; one that outlives it (a dead instance) is taken over. */
const LEASE_MS = 10 * 60_000;
/** Longest CSV record (a 10 MB line fails the import at that line, in bounded memory). */
const MAX_RECORD_BYTES = 1024 * 1024;

/** The id a row's created record gets: the same on every run of the row. */
export function rowRecordId(importId: string, row: number): string {
  return createHash('sha256').update(`${importId}:${row}`).digest('hex').slice(0, 24);
}

interface BatchOutcome {
  counts: { created: number; updated: number; skipped: number; failed: number };
  errors: ImportRowError[];
}

interface Row {
  n: number;
  data?: Record<string, unknown>;
  problem?: RowProblem;
}

/**
 * Runs an import in the background, resumable: it claims the import (a lease every instance
 * respects), re-reads the stored file and skips the rows a previous run finished, then applies the
 * rest in batches, writing the position, the counts and the errors of each batch in one update. A
 * row applied again after a crash finds its work done: a created customer has the row's own id, an
 * update's undo entry is keyed by the row. What a row is (customer, lead) is the import's entity.
 */
@Injectable()
export class ImportRunner {
  private readonly logger = new Logger(ImportRunner.name);
  private readonly active = new Map<string, Promise<void>>();

  constructor(
    private readonly repo: ImportRepository,
    private readonly entities: ImportEntities,
    private readonly runner: TenantRunner,
    private readonly context: TenantContext,
    private readonly claims: LeaseClaims,
    private readonly cls: ClsService,
    private readonly events: EventEmitter2,
    private readonly failpoints: Failpoints,
  ) {}

  /** Starts the import in the background on this instance (no-op if it runs here already). */
  start(tenantId: string, importId: string, actor: string): Promise<void> {
    const key = `${tenantId}:${importId}`;
    const running = this.active.get(key);
    if (running) return running;
    const run = this.cls
      .run({ ifNested: 'override' }, () => {
        // Audit entries of the import's writes carry the import's id as their request id.
        this.cls.set(CLS_ID, `${IMPORT_REQUEST_PREFIX}${importId}`);
        return this.runner.runInTenant(tenantId, () => this.claimAndRun(importId), principalOf(tenantId, actor));
      })
      .catch((err: unknown) => this.logger.error({ err, tenant: tenantId, importId }, 'import run failed'))
      .finally(() => this.active.delete(key));
    this.active.set(key, run);
    return run;
  }

  /** Resolves when every import started on this instance has stopped (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.active.size) await Promise.all([...this.active.values()]);
  }

  private async claimAndRun(importId: string): Promise<void> {
    const claim = await this.claims.tryClaim(`import:${importId}`, LEASE_MS);
    if (!claim) return;
    try {
      const job = await this.repo.findJob(importId);
      if (!job || (job.status !== ImportStatus.QUEUED && job.status !== ImportStatus.RUNNING)) return;
      await this.repo.setStatus(importId, [ImportStatus.QUEUED, ImportStatus.RUNNING], ImportStatus.RUNNING);
      try {
        await this.process({ ...job, status: ImportStatus.RUNNING });
      } catch (err) {
        // A simulated crash leaves the import as a dead instance would: running, to be resumed.
        if (err instanceof FailpointCrash) throw err;
        const failure = err instanceof RowProblem || isParseError(err) ? (err as Error).message : 'internal error';
        if (failure === 'internal error') this.logger.error({ err, importId }, 'import failed');
        await this.repo.setStatus(importId, [ImportStatus.RUNNING], ImportStatus.FAILED, {
          failure,
          finishedAt: new Date(),
        });
        await this.announce(importId, ImportEventName.FAILED);
      }
    } finally {
      await claim.release();
    }
  }

  private async process(job: ImportJobLean): Promise<void> {
    const id = job._id.toHexString();
    const tenantId = this.context.tenantId;
    const principal = this.context.principal;
    const inTenant = <T>(fn: () => Promise<T>) => this.runner.runInTenant(tenantId, fn, principal);
    const file = readUpload(this.repo, id, job.fileParts, inTenant);
    const rows = job.format === 'ndjson' ? this.ndjsonRows(file, job) : this.csvRows(file, job);
    // Rows of one key (match value, or the externalId a row creates) wait for the earlier ones of that key,
    // across batches too: a later row of a key sees what an earlier one wrote.
    const keys = new KeyedLock();
    // The position after the last batch committed: batches commit in file order, one after another.
    let committed: Promise<number> = Promise.resolve(job.rowsDone);
    let batch: Row[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const these = batch;
      batch = [];
      // This batch's rows start now, while the batch before it may still be finishing (two in flight:
      // the tail of one, its last inserts and its progress write, overlaps the start of the next).
      const applied = this.applyRows(job, these, keys);
      applied.catch(() => undefined); // awaited below; this keeps an early failure from counting as unhandled
      const before = committed;
      committed = (async () => this.commit(job, await before, these, await applied))();
      committed.catch(() => undefined); // observed by the next flush, or at the end
      try {
        await before;
      } catch (e) {
        await applied.catch(() => undefined);
        throw e;
      }
    };
    try {
      for await (const row of rows) {
        if (row.n <= job.rowsDone) continue;
        batch.push(row);
        if (batch.length >= BATCH_ROWS) await flush();
      }
      await flush();
    } catch (e) {
      // An unreadable file fails the import: the batch still in flight finishes (and commits) first.
      await committed.catch(() => undefined);
      throw e;
    }
    const position = await committed;
    await this.repo.setStatus(id, [ImportStatus.RUNNING], ImportStatus.COMPLETED, {
      total: position,
      finishedAt: new Date(),
    });
    await this.announce(id, ImportEventName.COMPLETED);
  }

  /** Applies a batch's rows, all at once (their writes share round trips: see GroupedInserts). */
  private async applyRows(job: ImportJobLean, rows: Row[], keys: KeyedLock): Promise<BatchOutcome> {
    const counts = { created: 0, updated: 0, skipped: 0, failed: 0 };
    const errors: ImportRowError[] = [];
    const fail = (n: number, field: string | null, message: string) => {
      counts.failed++;
      errors.push({ row: n, field, message });
    };
    let unexpected: unknown = null;
    const attempt = async (n: number, data: Record<string, unknown>) => {
      try {
        counts[await this.applyRow(job, n, data)]++;
      } catch (e) {
        const c = classify(e);
        if (c.status >= 500) {
          unexpected ??= e;
          return;
        }
        const first = c.errors?.[0];
        fail(n, first ? first.path.replace(/^data\./, '') : null, first ? first.message : c.detail);
      }
    };
    const readable: Array<{ n: number; data: Record<string, unknown> }> = [];
    for (const row of rows) {
      if (row.problem || !row.data) fail(row.n, row.problem?.field ?? null, row.problem?.message ?? 'unreadable row');
      else readable.push({ n: row.n, data: row.data });
    }
    await inKeyOrder(
      readable,
      (row) => this.rowKey(job, row.data),
      keys,
      (row) => attempt(row.n, row.data),
    );
    if (unexpected) throw unexpected;
    errors.sort((a, b) => a.row - b.row);
    return { counts, errors };
  }

  /** Writes a batch's position, counts and errors in one update (the batch before it has committed). */
  private async commit(job: ImportJobLean, from: number, rows: Row[], outcome: BatchOutcome): Promise<number> {
    const id = job._id.toHexString();
    const { counts, errors } = outcome;
    this.failpoints.check(ImportFailpoint.AFTER_ROW_WRITES);
    const to = rows[rows.length - 1].n;
    const room = MAX_STORED_ERRORS - (job.errors?.length ?? 0) - job.failed;
    if (!(await this.repo.advance(id, from, to, counts, errors, room))) {
      throw new Error(`import ${id} moved on elsewhere (at ${from})`);
    }
    job.failed += counts.failed;
    Object.assign(job, {
      created: job.created + counts.created,
      updated: job.updated + counts.updated,
      skipped: job.skipped + counts.skipped,
      rowsDone: to,
    });
    this.events.emit(
      USER_NOTICE,
      new UserNotice(this.context.tenantId, job.createdBy, IMPORT_PROGRESS, {
        ...summaryOf(job),
        at: new Date().toISOString(),
      }),
    );
    return to;
  }

  /** What a row writes to, as far as the file says (its match value, or the externalId it creates). */
  private rowKey(job: ImportJobLean, data: Record<string, unknown>): string | null {
    const field = job.mode === ImportMode.CREATE ? 'externalId' : (job.match ?? 'externalId');
    const value = data[field];
    return typeof value === 'string' && value.trim() ? `${field}:${value.trim().toLowerCase()}` : null;
  }

  private async applyRow(
    job: ImportJobLean,
    n: number,
    data: Record<string, unknown>,
  ): Promise<'created' | 'updated' | 'skipped'> {
    const id = job._id.toHexString();
    const entity = this.entities.get(job.entity);
    if (data.companyId !== job.companyId) throw new RowProblem('companyId', 'companyId must be the import company');
    const field = (job.match ?? 'externalId') as MatchField;
    const matchValue = data[field];
    const op: RecordOperation = {
      op: job.mode === ImportMode.CREATE ? 'create' : job.mode === ImportMode.UPSERT ? 'upsert' : 'update',
      data: job.mode === ImportMode.UPDATE ? withoutCompany(data) : data,
      companyId: job.companyId,
      newId: rowRecordId(id, n),
    };
    if (job.mode !== ImportMode.CREATE) {
      if (typeof matchValue !== 'string' || !matchValue) throw new RowProblem(field, `${field} is needed to match`);
      op.match = { field, value: matchValue };
    }
    let replayed = false;
    const done = await entity.apply(op, {
      dryRun: job.dryRun,
      beforeUpdate: async (current) => {
        replayed = !(await this.repo.putUndo(id, n, current.id, entity.undoFields(current)));
      },
    });
    if (done.outcome === 'updated' || (done.outcome === 'unchanged' && replayed)) {
      if (!job.dryRun && done.record) await this.repo.setUndoVersion(id, n, done.record.version);
      return 'updated';
    }
    return done.outcome === 'created' ? 'created' : 'skipped';
  }

  private async *csvRows(file: Readable, job: ImportJobLean): AsyncGenerator<Row> {
    const { columns } = this.entities.get(job.entity);
    const delimiter = await sniffDelimiter(file);
    const parser = file.pipe(
      parse({
        bom: true,
        delimiter,
        columns: (header: string[]) => {
          const { unknown } = resolveColumns(columns, header, job.mapping ?? {});
          if (unknown.length) {
            throw new RowProblem(
              unknown[0],
              `unknown column(s): ${unknown.join(', ')} (map them to a field, or to "" to skip)`,
            );
          }
          return header;
        },
        max_record_size: MAX_RECORD_BYTES,
        skip_empty_lines: true,
      }),
    );
    let targets: Map<string, string> | undefined;
    let n = 0;
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      n++;
      targets ??= resolveColumns(columns, Object.keys(record), job.mapping ?? {}).targets;
      try {
        yield { n, data: csvRowToData(columns, record, targets, job.companyId) };
      } catch (e) {
        if (!(e instanceof RowProblem)) throw e;
        yield { n, problem: e };
      }
    }
  }

  private async *ndjsonRows(file: Readable, job: ImportJobLean): AsyncGenerator<Row> {
    const { columns } = this.entities.get(job.entity);
    const lines = createInterface({ input: file, crlfDelay: Infinity });
    let n = 0;
    for await (const raw of lines) {
      const line = n === 0 ? raw.replace(/^\uFEFF/, '') : raw;
      if (!line.trim()) continue;
      n++;
      if (line.length > MAX_RECORD_BYTES) {
        yield { n, problem: new RowProblem(null, `the line is longer than ${MAX_RECORD_BYTES} characters`) };
        continue;
      }
      try {
        yield { n, data: jsonRowToData(columns, JSON.parse(line), job.mapping ?? {}, job.companyId) };
      } catch (e) {
        yield { n, problem: e instanceof RowProblem ? e : new RowProblem(null, 'the line is not valid JSON') };
      }
    }
  }

  private async announce(importId: string, name: ImportEventName): Promise<void> {
    const job = await this.repo.findJob(importId);
    if (!job) return;
    const event = new ImportDomainEvent(
      name,
      this.context.tenantId,
      job.companyId,
      this.context.actor,
      new Date(),
      summaryOf(job),
      this.cls.getId(),
    );
    this.events.emit(name, event);
    this.events.emit(
      USER_NOTICE,
      new UserNotice(this.context.tenantId, job.createdBy, IMPORT_PROGRESS, {
        ...summaryOf(job),
        at: event.at.toISOString(),
      }),
    );
  }
}

export function summaryOf(job: ImportJobLean): ImportSummary {
  return {
    importId: job._id.toHexString(),
    status: job.status,
    processed: job.rowsDone,
    created: job.created,
    updated: job.updated,
    skipped: job.skipped,
    failed: job.failed,
  };
}

/**
 * Starts `work` for every item at once, except that an item whose key an earlier item has (in this call
 * or an earlier one sharing `keys`) waits until that one is done: items of a key run in their order.
 * A null key shares nothing. Settles when every item has.
 */
export async function inKeyOrder<T>(
  items: readonly T[],
  keyOf: (item: T) => string | null,
  keys: KeyedLock,
  work: (item: T) => Promise<void>,
): Promise<void> {
  await Promise.all(
    items.map((item) => {
      const key = keyOf(item);
      // Queued here, synchronously and in order: that is what orders the items of a key.
      return key === null ? work(item) : keys.run(key, () => work(item));
    }),
  );
}

function withoutCompany(data: Record<string, unknown>): Record<string, unknown> {
  const { companyId: _c, ...rest } = data;
  return rest;
}

function principalOf(tenantId: string, userId: string): Principal {
  // The import company was checked against the importer's companies when the import was accepted,
  // and every row is held to that company.
  return { userId, tenantId, roles: [Role.ADMIN] };
}

function isParseError(e: unknown): boolean {
  return typeof (e as { code?: unknown }).code === 'string' && String((e as { code: string }).code).startsWith('CSV_');
}

/** `;` when the header line has more semicolons than commas (spreadsheets in many locales), else `,`. */
async function sniffDelimiter(file: Readable): Promise<string> {
  const first =
    (file.read() as Buffer | null) ??
    (await new Promise<Buffer | null>((resolve) => {
      file.once('readable', () => resolve(file.read() as Buffer | null));
      file.once('end', () => resolve(null));
    }));
  if (!first) return ',';
  file.unshift(first);
  const line = first.toString('utf8').split(/\r?\n/)[0] ?? '';
  const count = (ch: string) => line.split(ch).length - 1;
  return count(';') > count(',') ? ';' : ',';
}
