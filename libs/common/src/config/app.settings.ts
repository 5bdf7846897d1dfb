import { IsEnum, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { defineSettings, EnvInt, loadSettings } from './settings';

export enum NodeEnv {
  DEVELOPMENT = 'development',
  PRODUCTION = 'production',
  TEST = 'test',
}

/**
 * The platform's own settings: process, HTTP and shared infrastructure. Each module and library
 * declares its settings beside its code (`*.settings.ts`); README lists every variable with the
 * default given there.
 */
export class AppSettings {
  @IsEnum(NodeEnv)
  NODE_ENV: NodeEnv = NodeEnv.DEVELOPMENT;

  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** Redis for cross-instance realtime and shared rate-limit counters; unset: one instance, in memory. */
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

  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(600_000)
  REQUEST_TIMEOUT_MS = 15_000;

  /** Where development data (embedded database, generated secret) lives. */
  @IsString()
  DATA_DIR = './data';
}

const OPTIONAL = ['REDIS_URL', 'PUBLIC_URL'];

export const appSettings = defineSettings('app', AppSettings, { optional: OPTIONAL });
export type AppConfig = Readonly<AppSettings>;

/** The platform settings outside Nest (scripts). */
export function readAppSettings(raw: Record<string, unknown> = process.env): AppConfig {
  return loadSettings(AppSettings, raw, OPTIONAL);
}

/** The URL clients reach the API at: PUBLIC_URL, else this host's port on localhost. */
export function publicUrlOf(config: Pick<AppConfig, 'PUBLIC_URL' | 'PORT'>): string {
  return config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
}
