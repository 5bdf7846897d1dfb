import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export enum ImportStatus {
  QUEUED = 'queued',
  RUNNING = 'running',
  COMPLETED = 'completed',
  FAILED = 'failed',
  REVERTED = 'reverted',
}

export enum ImportMode {
  CREATE = 'create',
  UPSERT = 'upsert',
  UPDATE = 'update',
}

export type ImportFormat = 'csv' | 'ndjson';

@Schema({ _id: false, versionKey: false })
export class ImportRowError {
  /** 1-based data row (the header of a CSV is row 0). */
  @Prop({ required: true }) row: number;
  @Prop({ type: String, default: null }) field: string | null;
  @Prop({ required: true }) message: string;
}

@Schema({ _id: false, versionKey: false })
export class RevertReport {
  @Prop({ required: true }) removed: number;
  @Prop({ required: true }) restored: number;
  /** Records changed since the import: left as they are. */
  @Prop({ type: [String], default: [] }) kept: string[];
  @Prop({ required: true }) at: Date;
  @Prop({ required: true }) by: string;
}

/**
 * One import: its settings, where it got to, and what it found. Written by the job (one update per
 * batch of rows: the position and the counts move together, so a resumed job neither skips nor
 * double-counts a row).
 */
// `errors` is a name mongoose reserves on documents (their validation errors) and warns about at every
// start: jobs are created whole and read lean (repository), so no hydrated document's `errors` is used.
@Schema({ collection: 'imports', versionKey: false, suppressReservedKeysWarning: true })
export class ImportJob {
  @Prop({ required: true }) companyId: string;
  /** What the rows are: customers or leads (an ImportEntity's name). */
  @Prop({ required: true }) entity: string;
  @Prop({ type: String, enum: ImportMode, required: true }) mode: ImportMode;
  @Prop({ type: String, default: null }) match: string | null;
  @Prop({ type: Object, default: {} }) mapping: Record<string, string>;
  @Prop({ required: true }) dryRun: boolean;
  @Prop({ required: true }) format: string;
  @Prop({ required: true }) fileName: string;
  @Prop({ required: true }) fileBytes: number;
  @Prop({ required: true }) fileParts: number;
  @Prop({ type: String, enum: ImportStatus, required: true }) status: ImportStatus;
  /** Data rows fully handled (applied or reported); a resumed job starts after them. */
  @Prop({ required: true }) rowsDone: number;
  @Prop({ type: Number, default: null }) total: number | null;
  @Prop({ required: true }) created: number;
  @Prop({ required: true }) updated: number;
  @Prop({ required: true }) skipped: number;
  @Prop({ required: true }) failed: number;
  @Prop({ type: [SchemaFactory.createForClass(ImportRowError)], default: [] }) errors: ImportRowError[];
  @Prop({ type: String, default: null }) failure: string | null;
  @Prop({ type: SchemaFactory.createForClass(RevertReport), default: null }) revert: RevertReport | null;
  @Prop({ required: true }) createdBy: string;
  @Prop({ required: true }) createdAt: Date;
  @Prop({ required: true }) updatedAt: Date;
  @Prop({ type: Date, default: null }) finishedAt: Date | null;
}

export type ImportJobLean = ImportJob & { _id: Types.ObjectId };
export const ImportJobSchema = SchemaFactory.createForClass(ImportJob);
// No secondary index: a tenant has few imports, and the resume pass reads them by status once in a while.

/**
 * The parts of an import that are not the job: the uploaded file in chunks (`<import>:f:<seq>`) and
 * the undo entries of updated records (`<import>:u:<row>`). The string `_id` is the only index: the
 * chunks and entries are read by exact id or by id prefix range, and an entry written twice (a row
 * applied again after a crash) is refused by it.
 */
@Schema({ collection: 'import_parts', versionKey: false })
export class ImportPart {
  @Prop({ type: String, required: true }) _id: string;
  @Prop({ type: Buffer, default: null }) data: Buffer | null;
  /** The updated record (a customer or a lead, as the import's entity says). */
  @Prop({ type: String, default: null }) recordId: string | null;
  /** Undo entries written before leads could be imported name their customer here. */
  @Prop({ type: String, default: null }) customerId: string | null;
  @Prop({ type: Object, default: null }) before: Record<string, unknown> | null;
  @Prop({ type: Number, default: null }) afterVersion: number | null;
  @Prop({ type: Boolean, default: false }) restored: boolean;
}

export type ImportPartLean = ImportPart;
export const ImportPartSchema = SchemaFactory.createForClass(ImportPart);
