import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { EnvInt, loadSettings } from '@app/common';

/** Settings of the embedded FerretDB that `npm start` and `npm run migrate` run without MONGODB_URI. */
export class EmbeddedDbSettings {
  /** Soft memory limit of the FerretDB process in MiB (Go's GOMEMLIMIT); unset: a quarter of the machine's memory, 256 MiB to 4 GiB. */
  @IsOptional()
  @EnvInt()
  @IsInt()
  @Min(64)
  @Max(1_048_576)
  FERRETDB_MEMORY_LIMIT_MB?: number;

  /** Runs the embedded FerretDB on this PostgreSQL database instead of SQLite files under DATA_DIR. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'FERRETDB_POSTGRESQL_URL must start with postgres:// or postgresql://' })
  FERRETDB_POSTGRESQL_URL?: string;
}

const OPTIONAL = ['FERRETDB_MEMORY_LIMIT_MB', 'FERRETDB_POSTGRESQL_URL'];

export function readEmbeddedDbSettings(raw: Record<string, unknown> = process.env): Readonly<EmbeddedDbSettings> {
  return loadSettings(EmbeddedDbSettings, raw, OPTIONAL);
}
