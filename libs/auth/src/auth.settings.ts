import { IsOptional, IsString, MinLength } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineSettings, loadSettings, NodeEnv, readAppSettings } from '@app/common';

/** Bearer tokens: HS256 with a shared secret and issuer. */
export class AuthSettings {
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'AUTH_JWT_SECRET must be at least 32 characters' })
  AUTH_JWT_SECRET?: string;

  @IsString()
  AUTH_JWT_ISSUER = 'tenant-crm';
}

export type AuthConfig = Readonly<AuthSettings> & { AUTH_JWT_SECRET: string };

export const authSettings = defineSettings('auth', AuthSettings, { optional: ['AUTH_JWT_SECRET'], finish: withSecret });

/** The auth settings outside Nest (scripts): the same validation and the same development secret. */
export function readAuthSettings(raw: Record<string, unknown> = process.env): AuthConfig {
  return withSecret(loadSettings(AuthSettings, raw, ['AUTH_JWT_SECRET']), raw);
}

function withSecret(s: AuthSettings, raw: Record<string, unknown> = process.env): AuthConfig {
  return { ...s, AUTH_JWT_SECRET: jwtSecret(s, raw) };
}

function jwtSecret(s: AuthSettings, raw: Record<string, unknown>): string {
  if (s.AUTH_JWT_SECRET) return s.AUTH_JWT_SECRET;
  const app = readAppSettings(raw);
  if (app.NODE_ENV === NodeEnv.PRODUCTION) {
    throw new Error('Invalid configuration:\n  - AUTH_JWT_SECRET: required when NODE_ENV=production (32+ characters)');
  }
  // Development only: one secret generated once and kept beside the data, so tokens survive restarts.
  const dir = resolve(app.DATA_DIR);
  const file = join(dir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
