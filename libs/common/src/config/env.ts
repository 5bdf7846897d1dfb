import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export enum NodeEnv {
  DEVELOPMENT = 'development',
  PRODUCTION = 'production',
  TEST = 'test',
}

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

const toBool = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^(true|false)$/i.test(value.trim()) ? value.trim().toLowerCase() === 'true' : value;

/**
 * Every setting of the service, validated once at start-up. Nothing else reads `process.env`;
 * README lists each variable with the default given here.
 */
export class AppEnv {
  @IsEnum(NodeEnv)
  NODE_ENV: NodeEnv = NodeEnv.DEVELOPMENT;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** MongoDB connection string. Unset: `npm start` runs an embedded FerretDB and sets it. */
  @IsOptional()
  @Matches(/^mongodb(\+srv)?:\/\//, { message: 'MONGODB_URI must start with mongodb:// or mongodb+srv://' })
  MONGODB_URI?: string;

  @Matches(/^[A-Za-z0-9_-]{1,38}$/, { message: 'MONGODB_REGISTRY_DB must be a plain database name' })
  MONGODB_REGISTRY_DB = 'crm_registry';

  @Matches(/^[A-Za-z0-9_-]{1,20}$/, { message: 'TENANT_DB_PREFIX must be letters, digits, _ or -' })
  TENANT_DB_PREFIX = 'crm_t_';

  /** How stale a cached tenant may get: the registry is synced every half of it, across instances. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300_000)
  TENANT_CACHE_TTL_MS = 5_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  MONGODB_POOL_SIZE = 50;

  /** How long a database operation may wait for a server before the request gets a 503. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  DB_TIMEOUT_MS = 5_000;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'AUTH_JWT_SECRET must be at least 32 characters' })
  AUTH_JWT_SECRET?: string;

  @IsString()
  AUTH_JWT_ISSUER = 'tenant-crm';

  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must start with redis:// or rediss://' })
  REDIS_URL?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'BODY_LIMIT must look like 100kb or 1mb' })
  BODY_LIMIT = '100kb';

  /**
   * Where clients reach the API: scheme, host, optional port and base path, no trailing slash
   * (`https://crm.example.com`). The OpenAPI document's server entry; unset: http://localhost:PORT.
   */
  @IsOptional()
  @Matches(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~%!$&'()*+,;=:@-]+)*$/, {
    message:
      'PUBLIC_URL must be an http(s) URL without query, fragment or trailing slash, e.g. https://crm.example.com',
  })
  PUBLIC_URL?: string;

  /** Comma-separated allowed origins for CORS; empty disables cross-origin requests. */
  @IsString()
  @MaxLength(4000)
  CORS_ORIGINS = '';

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  REQUEST_TIMEOUT_MS = 15_000;

  /** Rate limiting (429 with Retry-After); off only where a gateway in front already limits. */
  @Transform(toBool)
  @IsBoolean()
  RATE_LIMIT_ENABLED = true;

  /** The window every RATE_LIMIT_PER_* count is taken over. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  RATE_LIMIT_WINDOW_MS = 10_000;

  /** Requests per window for one user of one tenant (or one platform operator). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_PER_USER = 1_000;

  /** Requests per window for all users of one tenant together. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_PER_TENANT = 5_000;

  /** Requests per window per client IP on routes that need no token (health). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_PER_IP = 300;

  /** Days a soft-deleted customer is kept (restorable) before the purge removes it for good. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3650)
  CUSTOMER_PURGE_AFTER_DAYS = 30;

  /** How often the purge (and the idempotency-key sweep) runs over every tenant; 0 disables it. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(604_800_000)
  CUSTOMER_PURGE_INTERVAL_MS = 3_600_000;

  /** Where development data (embedded database, generated secret) lives. */
  @IsString()
  DATA_DIR = './data';
}

export type AppConfig = Readonly<AppEnv> & { AUTH_JWT_SECRET: string; PUBLIC_URL: string };

/** Validates the environment; throws one error listing every bad variable. */
export function validateEnv(raw: Record<string, unknown>): AppConfig {
  const known = Object.keys(new AppEnv());
  const picked: Record<string, unknown> = {};
  for (const key of [...known, 'MONGODB_URI', 'AUTH_JWT_SECRET', 'REDIS_URL', 'PUBLIC_URL']) {
    const value = raw[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const env = plainToInstance(AppEnv, picked);
  const errors = validateSync(env, { whitelist: true, forbidUnknownValues: true });
  if (errors.length) {
    const lines = errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `  - ${e.property}: ${m}`));
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return { ...env, AUTH_JWT_SECRET: jwtSecret(env), PUBLIC_URL: env.PUBLIC_URL ?? `http://localhost:${env.PORT}` };
}

function jwtSecret(env: AppEnv): string {
  if (env.AUTH_JWT_SECRET) return env.AUTH_JWT_SECRET;
  if (env.NODE_ENV === NodeEnv.PRODUCTION) {
    throw new Error('Invalid configuration:\n  - AUTH_JWT_SECRET: required when NODE_ENV=production (32+ characters)');
  }
  // Development only: one secret generated once and kept beside the data, so tokens survive restarts.
  const dir = resolve(env.DATA_DIR);
  const file = join(dir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
