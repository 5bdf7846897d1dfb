import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { defineSettings, EnvInt, loadSettings } from '@app/common';

/** The database connection, the tenant registry and per-tenant housekeeping. */
export class TenancySettings {
  /** MongoDB connection string. Unset: `npm start` runs an embedded FerretDB and sets it. */
  @IsOptional()
  @Matches(/^mongodb(\+srv)?:\/\//, { message: 'MONGODB_URI must start with mongodb:// or mongodb+srv://' })
  MONGODB_URI?: string;

  @Matches(/^[A-Za-z0-9_-]{1,38}$/, { message: 'MONGODB_REGISTRY_DB must be a plain database name' })
  MONGODB_REGISTRY_DB = 'crm_registry';

  @Matches(/^[A-Za-z0-9_-]{1,20}$/, { message: 'TENANT_DB_PREFIX must be letters, digits, _ or -' })
  TENANT_DB_PREFIX = 'crm_t_';

  /** How stale a cached tenant may get: the registry is synced every half of it, across instances. */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(300_000)
  TENANT_CACHE_TTL_MS = 5_000;

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  MONGODB_POOL_SIZE = 50;

  /** How long a database operation may wait for a server before the request gets a 503. */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(120_000)
  DB_TIMEOUT_MS = 5_000;

  /**
   * How often per-tenant housekeeping (retention purges, expired idempotency keys, old realtime events)
   * runs over every tenant; 0 disables it. `CUSTOMER_PURGE_INTERVAL_MS` is still read as its old name.
   */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(604_800_000)
  MAINTENANCE_INTERVAL_MS = 3_600_000;

  /**
   * How old an outbox entry must be before any instance settles it (its writer is presumed dead; a
   * live writer holds the record's lock, so settling early is safe, only wasteful).
   */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  OUTBOX_RECOVER_AFTER_MS = 15_000;

  /**
   * Crash tests only: failpoints that kill this process (SIGKILL) when first reached, as
   * `point=kill[,point=kill...]` (e.g. `writer.after-record-write=kill`). Refused under NODE_ENV=production.
   */
  @IsOptional()
  @Matches(/^[a-z.-]+=kill(,[a-z.-]+=kill)*$/, { message: 'FAILPOINTS must be point=kill[,point=kill...]' })
  FAILPOINTS?: string;
}

export const tenancySettings = defineSettings('tenancy', TenancySettings, {
  optional: ['MONGODB_URI', 'FAILPOINTS'],
  finish: (s) => {
    refuseFailpointsInProduction(s, process.env);
    const legacy = process.env.CUSTOMER_PURGE_INTERVAL_MS;
    if (!process.env.MAINTENANCE_INTERVAL_MS && legacy && /^\d+$/.test(legacy))
      s.MAINTENANCE_INTERVAL_MS = Number(legacy);
    return s as Readonly<TenancySettings>;
  },
});

/** The tenancy settings outside Nest (scripts). */
export function readTenancySettings(raw: Record<string, unknown> = process.env): Readonly<TenancySettings> {
  return refuseFailpointsInProduction(loadSettings(TenancySettings, raw, ['MONGODB_URI', 'FAILPOINTS']), raw);
}

function refuseFailpointsInProduction<T extends TenancySettings>(s: T, env: Record<string, unknown>): T {
  if (s.FAILPOINTS && env.NODE_ENV === 'production') {
    throw new Error('Invalid configuration:\n  - FAILPOINTS: not allowed when NODE_ENV=production');
  }
  return s;
}
