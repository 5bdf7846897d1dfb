import { IsInt, Max, Min } from 'class-validator';
import { defineSettings, EnvInt } from '@app/common';

export class DataExchangeSettings {
  /** Largest file POST /imports takes (stored in the tenant database in 1 MB parts). */
  @EnvInt()
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024 * 1024)
  IMPORT_MAX_FILE_BYTES = 100 * 1024 * 1024;
}

export const dataExchangeSettings = defineSettings('dataExchange', DataExchangeSettings);
