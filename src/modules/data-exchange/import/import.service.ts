import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { stringify } from 'csv-stringify';
import { Types } from 'mongoose';
import { Readable } from 'node:stream';
import { ClsService } from 'nestjs-cls';
import { canSeeCompany, DomainError, type Settings, validatedInput } from '@app/common';
import { PublishesEvents, RecordLock, TenantContext } from '@app/tenancy';
import { CompanyService } from '../../company';
import { DataExchangeError, DataExchangeErrorCode } from '../data-exchange.errors';
import { dataExchangeSettings } from '../data-exchange.settings';
import { ImportFormDto, type ImportResponse } from '../dto/import.dto';
import { ImportDomainEvent, ImportEventName } from '../events/import.events';
import { neutraliseFormula } from '../export/customer-columns';
import { type ImportJobLean, ImportMode, ImportStatus } from '../schemas/import-job.schema';
import { storeUpload } from './import-file';
import { ImportRepository } from './import.repository';
import { type ImportEntity, ImportEntities } from './import-entity';
import { ImportRunner, rowRecordId, summaryOf } from './import.runner';
import { invalidMappingTargets } from './row-mapping';

/** What the upload gives the service: the form fields as text and the file as a stream. */
export interface ImportUpload {
  fields: Record<string, string>;
  file: { filename: string; mimetype: string; stream: AsyncIterable<Buffer> } | null;
}

/**
 * Imports: accepts an upload (stored in the tenant, so any instance can run or resume it), hands it
 * to the runner, reports it, serves its errors as CSV, and reverts it.
 */
@PublishesEvents(Object.values(ImportEventName))
@Injectable()
export class ImportService {
  constructor(
    private readonly repo: ImportRepository,
    private readonly runner: ImportRunner,
    private readonly entities: ImportEntities,
    private readonly companies: CompanyService,
    private readonly context: TenantContext,
    private readonly lock: RecordLock,
    private readonly events: EventEmitter2,
    private readonly cls: ClsService,
    @Inject(dataExchangeSettings.KEY) private readonly settings: Settings<typeof dataExchangeSettings>,
  ) {}

  async accept(upload: ImportUpload): Promise<{ id: string; status: ImportStatus }> {
    const form = await this.form(upload.fields);
    await this.companies.assertVisible(form.companyId);
    if (!upload.file) {
      throw new DataExchangeError(
        DataExchangeErrorCode.IMPORT_FILE_REQUIRED,
        'Send the rows as the form field `file`.',
      );
    }
    const id = new Types.ObjectId();
    const importId = id.toHexString();
    let stored: { bytes: number; parts: number };
    try {
      stored = await storeUpload(this.repo, importId, upload.file.stream, this.settings.IMPORT_MAX_FILE_BYTES);
    } catch (e) {
      await this.repo.removeJob(importId);
      throw e;
    }
    const now = new Date();
    const mode = form.mode ?? ImportMode.CREATE;
    await this.repo.insertJob({
      _id: id,
      companyId: form.companyId,
      entity: form.entity,
      mode,
      match: mode === ImportMode.CREATE ? null : (form.match ?? 'externalId'),
      mapping: form.mapping ?? {},
      dryRun: form.dryRun ?? false,
      format: isNdjson(upload.file.filename, upload.file.mimetype) ? 'ndjson' : 'csv',
      fileName: upload.file.filename.slice(0, 200),
      fileBytes: stored.bytes,
      fileParts: stored.parts,
      status: ImportStatus.QUEUED,
      rowsDone: 0,
      total: null,
      created: 0,
      updated: 0,
      skipped: 0,
      failed: 0,
      errors: [],
      failure: null,
      revert: null,
      createdBy: this.context.actor,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
    });
    void this.runner.start(this.context.tenantId, importId, this.context.actor);
    return { id: importId, status: ImportStatus.QUEUED };
  }

  async get(id: string): Promise<ImportResponse> {
    return toImportResponse(await this.load(id));
  }

  /** The row errors as CSV (row, field, message), formula cells neutralised. */
  async errorsCsv(id: string): Promise<Readable> {
    const job = await this.load(id);
    return Readable.from(job.errors.map((e) => ({ row: e.row, field: e.field ?? '', message: e.message }))).pipe(
      stringify({ header: true, columns: ['row', 'field', 'message'], cast: { string: neutraliseFormula } }),
    );
  }

  /**
   * Removes what the import created and restores what it updated, unless a record changed since
   * (then it is reported in `kept` and left alone). Idempotent: a revert that stopped half-way is
   * finished by the next call.
   */
  revert(id: string): Promise<ImportResponse> {
    return this.lock.run(`import-revert:${id}`, async () => {
      const job = await this.load(id);
      if (job.status === ImportStatus.REVERTED) return toImportResponse(job);
      if (job.status !== ImportStatus.COMPLETED && job.status !== ImportStatus.FAILED) {
        throw new DataExchangeError(
          DataExchangeErrorCode.IMPORT_NOT_REVERTIBLE,
          `The import is ${job.status}; wait for it to finish.`,
        );
      }
      if (job.dryRun) {
        throw new DataExchangeError(DataExchangeErrorCode.IMPORT_NOT_REVERTIBLE, 'A dry run wrote nothing to revert.');
      }
      const entity = this.entities.get(job.entity);
      const created = job.mode === ImportMode.UPDATE ? { removed: 0, kept: [] } : await this.removeCreated(entity, job);
      const updated = await this.restoreUpdated(entity, id);
      const removed = created.removed;
      const restored = updated.restored;
      const kept = [...created.kept, ...updated.kept];
      const at = new Date();
      await this.repo.setStatus(id, [ImportStatus.COMPLETED, ImportStatus.FAILED], ImportStatus.REVERTED, {
        revert: { removed, restored, kept: [...new Set(kept)], at, by: this.context.actor },
      });
      const after = await this.load(id);
      this.events.emit(
        ImportEventName.REVERTED,
        new ImportDomainEvent(
          ImportEventName.REVERTED,
          this.context.tenantId,
          after.companyId,
          this.context.actor,
          at,
          summaryOf(after),
          this.cls.getId(),
        ),
      );
      return toImportResponse(after);
    });
  }

  /** Removes the records the import created that nobody changed since (a changed one is kept). */
  private async removeCreated(entity: ImportEntity, job: ImportJobLean): Promise<{ removed: number; kept: string[] }> {
    const id = job._id.toHexString();
    const kept: string[] = [];
    let removed = 0;
    for (let row = 1; row <= job.rowsDone; row++) {
      const recordId = rowRecordId(id, row);
      const current = await entity.find(recordId);
      if (!current) continue;
      if (current.version === 1 && (await this.quietly(() => entity.remove(recordId, 1)))) removed++;
      else kept.push(recordId);
    }
    return { removed, kept };
  }

  /**
   * Writes back the previous values of the records the import updated, unless a record changed since
   * (its version is not the one the import left): then it is kept. Only the fields that differ are
   * written. An entry without the version the import left names a record the import did not change
   * (the update was a no-op or was refused); it is kept only if its values differ all the same.
   */
  private async restoreUpdated(entity: ImportEntity, importId: string): Promise<{ restored: number; kept: string[] }> {
    const kept: string[] = [];
    let restored = 0;
    for (let after: string | null = null; ;) {
      const entries = await this.repo.undoEntries(importId, after, 200);
      if (!entries.length) break;
      for (const entry of entries) {
        after = entry._id;
        const recordId = entry.recordId ?? entry.customerId;
        if (entry.restored || !recordId || !entry.before) continue;
        const current = await entity.find(recordId);
        if (!current) continue;
        const changed = differing(entry.before, entity.undoFields(current));
        if (entry.afterVersion === null || current.version !== entry.afterVersion) {
          if (entry.afterVersion !== null || Object.keys(changed).length) kept.push(recordId);
          continue;
        }
        const version = entry.afterVersion;
        if (!Object.keys(changed).length || (await this.quietly(() => entity.restore(recordId, changed, version)))) {
          await this.repo.markRestored(entry._id);
          restored++;
        } else kept.push(recordId);
      }
    }
    return { restored, kept };
  }

  /** Imports left queued or running (an instance stopped): started again here. */
  async resumeUnfinished(): Promise<number> {
    const ids = await this.repo.unfinished();
    for (const id of ids) {
      const job = await this.repo.findJob(id);
      if (job) void this.runner.start(this.context.tenantId, id, job.createdBy);
    }
    return ids.length;
  }

  private async quietly(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (e) {
      if (e instanceof DomainError && e.kind !== 'unavailable') return false;
      throw e;
    }
  }

  private async load(id: string): Promise<ImportJobLean> {
    const job = await this.repo.findJob(id);
    if (!job || !canSeeCompany(this.context.principal, job.companyId)) {
      throw new DataExchangeError(DataExchangeErrorCode.IMPORT_NOT_FOUND, `Import ${id} was not found.`);
    }
    return job;
  }

  private async form(fields: Record<string, string>): Promise<ImportFormDto> {
    const plain: Record<string, unknown> = { ...fields };
    if (typeof fields.mapping === 'string') {
      try {
        plain.mapping = JSON.parse(fields.mapping);
      } catch {
        throw new DataExchangeError(DataExchangeErrorCode.IMPORT_FORM_INVALID, 'mapping must be a JSON object.');
      }
    }
    const form = await validatedInput(ImportFormDto, plain);
    const entity = this.entities.get(form.entity);
    if (form.match && !entity.matchFields.includes(form.match)) {
      throw new DataExchangeError(
        DataExchangeErrorCode.IMPORT_FORM_INVALID,
        `${form.entity} cannot be matched by ${form.match} (use ${entity.matchFields.join(', ')}).`,
      );
    }
    const bad = invalidMappingTargets(entity.columns, form.mapping ?? {});
    if (bad.length || Object.values(form.mapping ?? {}).some((v) => typeof v !== 'string')) {
      throw new DataExchangeError(
        DataExchangeErrorCode.IMPORT_FORM_INVALID,
        `mapping names fields an import cannot write: ${bad.join(', ')}`,
      );
    }
    if (form.mode === ImportMode.CREATE && form.match) {
      throw new DataExchangeError(DataExchangeErrorCode.IMPORT_FORM_INVALID, 'match is for mode upsert or update.');
    }
    return form;
  }
}

/** The fields of `before` whose value differs from `now` (compared as JSON). */
function differing(before: Record<string, unknown>, now: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(before).filter(([k, v]) => JSON.stringify(v ?? null) !== JSON.stringify(now[k] ?? null)),
  );
}

function isNdjson(filename: string, mimetype: string): boolean {
  return /\.(nd)?jsonl?$/i.test(filename) || /ndjson|jsonl|application\/json/i.test(mimetype);
}

export function toImportResponse(j: ImportJobLean): ImportResponse {
  return {
    id: j._id.toHexString(),
    companyId: j.companyId,
    entity: j.entity,
    mode: j.mode,
    match: j.match ?? null,
    dryRun: j.dryRun,
    status: j.status,
    total: j.total ?? null,
    processed: j.rowsDone,
    created: j.created,
    updated: j.updated,
    skipped: j.skipped,
    failed: j.failed,
    errors: (j.errors ?? []).map((e) => ({ row: e.row, field: e.field ?? null, message: e.message })),
    failure: j.failure ?? null,
    revert: j.revert ? { ...j.revert, kept: j.revert.kept ?? [], at: j.revert.at.toISOString() } : null,
    createdBy: j.createdBy,
    createdAt: j.createdAt.toISOString(),
    updatedAt: j.updatedAt.toISOString(),
    finishedAt: j.finishedAt ? j.finishedAt.toISOString() : null,
  };
}
