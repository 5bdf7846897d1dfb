import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'crm_';
/** `crm_<tenant slug>_<43 base64url characters = 256 random bits>`; slugs never contain `_`. */
const API_KEY = /^crm_([a-z0-9][a-z0-9-]{1,38})_([A-Za-z0-9_-]{43})$/;
/** Characters of the random part kept for display, so a user can tell keys apart. */
const SHOWN = 6;

export interface NewApiKey {
  /** The key itself: shown once, never stored. */
  key: string;
  /** What is stored and looked up. */
  hash: string;
  /** The key's harmless beginning, for lists (`crm_acme_Ab3xY9…`). */
  prefix: string;
}

/**
 * API keys name their tenant, so a request carrying one is resolved without a tenant header or a
 * registry-wide key index: the slug picks the tenant database, and only that database is searched for
 * the key's hash. A key of tenant A presented with B's slug is another string, whose hash B does not
 * have. Deleting a tenant takes its keys with its database.
 */
export function newApiKey(tenantId: string): NewApiKey {
  const key = `${PREFIX}${tenantId}_${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: `${key.slice(0, PREFIX.length + tenantId.length + 1 + SHOWN)}…` };
}

/** Whether a credential is meant as an API key (rather than a JWT). */
export function looksLikeApiKey(credential: string): boolean {
  return credential.startsWith(PREFIX);
}

/** The tenant an API key names, or null if the string is not a well-formed key. */
export function apiKeyTenant(key: string): string | null {
  return API_KEY.exec(key)?.[1] ?? null;
}

/**
 * SHA-256 of the whole key. The key is 256 random bits, so there is nothing to guess: a slow password
 * hash (bcrypt, scrypt, argon2) protects low-entropy secrets and would cost tens of milliseconds of CPU
 * on every request made with a key, while an unsalted digest can be looked up directly by an index.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
