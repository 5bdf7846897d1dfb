import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateEnv } from './env';

describe('validateEnv', () => {
  const secret = 'x'.repeat(32);

  it('applies defaults', () => {
    const c = validateEnv({ AUTH_JWT_SECRET: secret });
    expect(c).toMatchObject({
      PORT: 3000,
      MONGODB_REGISTRY_DB: 'crm_registry',
      TENANT_DB_PREFIX: 'crm_t_',
      BODY_LIMIT: '100kb',
    });
  });

  it('converts numbers and rejects bad values with one message naming each', () => {
    expect(validateEnv({ AUTH_JWT_SECRET: secret, PORT: '8080' }).PORT).toBe(8080);
    expect(() => validateEnv({ AUTH_JWT_SECRET: secret, PORT: 'abc', MONGODB_URI: 'http://x' })).toThrow(
      /PORT[\s\S]*MONGODB_URI|MONGODB_URI[\s\S]*PORT/,
    );
    expect(() => validateEnv({ AUTH_JWT_SECRET: 'short' })).toThrow(/AUTH_JWT_SECRET/);
    expect(() => validateEnv({ AUTH_JWT_SECRET: secret, TENANT_DB_PREFIX: 'a.b' })).toThrow(/TENANT_DB_PREFIX/);
  });

  it('takes PUBLIC_URL as an http(s) base URL, defaulting to localhost and the port', () => {
    expect(validateEnv({ AUTH_JWT_SECRET: secret, PORT: '8080' }).PUBLIC_URL).toBe('http://localhost:8080');
    for (const url of ['https://crm.example.com', 'http://10.0.0.5:3000', 'https://example.com/crm/api']) {
      expect(validateEnv({ AUTH_JWT_SECRET: secret, PUBLIC_URL: url }).PUBLIC_URL).toBe(url);
    }
    for (const bad of ['crm.example.com', 'https://crm.example.com/', 'ftp://x', 'https://x/?a=1', 'https://x#f']) {
      expect(() => validateEnv({ AUTH_JWT_SECRET: secret, PUBLIC_URL: bad })).toThrow(/PUBLIC_URL/);
    }
  });

  it('refuses to start in production without a secret', () => {
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(/AUTH_JWT_SECRET: required/);
  });

  it('generates a development secret once and keeps it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'env-spec-'));
    const first = validateEnv({ NODE_ENV: 'development', DATA_DIR: dir }).AUTH_JWT_SECRET;
    const second = validateEnv({ NODE_ENV: 'development', DATA_DIR: dir }).AUTH_JWT_SECRET;
    expect(first).toHaveLength(43);
    expect(second).toBe(first);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8')).toBe(first);
  });
});
