import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { isDuplicateKeyError } from '@app/common';
import { InjectTenantModel, TenantModel } from '@app/tenancy';
import {
  ImportJob,
  type ImportJobLean,
  ImportPart,
  type ImportPartLean,
  type ImportRowError,
  ImportStatus,
} from '../schemas/import-job.schema';

/** Row errors kept on the job (the first ones; `failed` counts them all). */
export const MAX_STORED_ERRORS = 10_000;

const filePartId = (importId: string, seq: number) => `${importId}:f:${String(seq).padStart(8, '0')}`;
const undoId = (importId: string, row: number) => `${importId}:u:${String(row).padStart(10, '0')}`;

/** The only code touching `imports` and `import_parts`. */
@Injectable()
export class ImportRepository {
  constructor(
    @InjectTenantModel(ImportJob.name) private readonly jobs: TenantModel<ImportJobLean>,
    @InjectTenantModel(ImportPart.name) private readonly parts: TenantModel<ImportPartLean>,
  ) {}

  async insertJob(job: ImportJobLean): Promise<void> {
    await this.jobs.current().create(job);
  }

  findJob(id: string): Promise<ImportJobLean | null> {
    if (!Types.ObjectId.isValid(id)) return Promise.resolve(null);
    return this.jobs.current().findOne({ _id: id }).lean<ImportJobLean>().exec();
  }

  /** Imports a job runner should pick up (queued, or running when an instance died). */
  async unfinished(): Promise<string[]> {
    const rows = await this.jobs
      .current()
      .find({ status: { $in: [ImportStatus.QUEUED, ImportStatus.RUNNING] } }, { _id: 1 })
      .lean<Array<{ _id: Types.ObjectId }>>()
      .exec();
    return rows.map((r) => r._id.toHexString());
  }

  /** One batch done: the position, the counts and the batch's errors in one write. */
  async advance(
    id: string,
    from: number,
    to: number,
    counts: { created: number; updated: number; skipped: number; failed: number },
    errors: ImportRowError[],
    room: number,
  ): Promise<boolean> {
    const res = await this.jobs
      .current()
      .updateOne(
        { _id: id, rowsDone: from, status: ImportStatus.RUNNING },
        {
          $set: { rowsDone: to, updatedAt: new Date() },
          $inc: counts,
          ...(errors.length && room > 0 ? { $push: { errors: { $each: errors.slice(0, room) } } } : {}),
        },
      )
      .exec();
    return res.modifiedCount === 1;
  }

  async setStatus(
    id: string,
    from: ImportStatus[],
    to: ImportStatus,
    extra: Partial<ImportJob> = {},
  ): Promise<boolean> {
    const res = await this.jobs
      .current()
      .updateOne({ _id: id, status: { $in: from } }, { $set: { ...extra, status: to, updatedAt: new Date() } })
      .exec();
    return res.modifiedCount === 1;
  }

  async removeJob(id: string): Promise<void> {
    await this.jobs.current().deleteOne({ _id: id }).exec();
    await this.parts
      .current()
      .deleteMany({ _id: { $gte: `${id}:`, $lt: `${id};` } })
      .exec();
  }

  async putFilePart(importId: string, seq: number, data: Buffer): Promise<void> {
    await this.parts.current().create({ _id: filePartId(importId, seq), data });
  }

  async filePart(importId: string, seq: number): Promise<Buffer | null> {
    const row = await this.parts
      .current()
      .findOne({ _id: filePartId(importId, seq) })
      .lean<ImportPartLean>()
      .exec();
    if (!row?.data) return null;
    const data = row.data as unknown;
    return Buffer.isBuffer(data) ? data : Buffer.from((data as { buffer: Uint8Array }).buffer);
  }

  /** Records an update's previous values once; false when the row's entry exists (applied before). */
  async putUndo(importId: string, row: number, recordId: string, before: Record<string, unknown>): Promise<boolean> {
    try {
      await this.parts.current().create({ _id: undoId(importId, row), recordId, before });
      return true;
    } catch (e) {
      if (isDuplicateKeyError(e)) return false;
      throw e;
    }
  }

  async setUndoVersion(importId: string, row: number, afterVersion: number): Promise<void> {
    await this.parts
      .current()
      .updateOne({ _id: undoId(importId, row) }, { $set: { afterVersion } })
      .exec();
  }

  async markRestored(partId: string): Promise<void> {
    await this.parts
      .current()
      .updateOne({ _id: partId }, { $set: { restored: true } })
      .exec();
  }

  /** Undo entries of the import, in row order, `limit` after `after`. */
  undoEntries(importId: string, after: string | null, limit: number): Promise<ImportPartLean[]> {
    return this.parts
      .current()
      .find({ _id: { $gt: after ?? `${importId}:u:`, $lt: `${importId}:u;` } })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<ImportPartLean[]>()
      .exec();
  }
}
