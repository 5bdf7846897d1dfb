import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAuthSettings } from './auth.settings';

describe(readAuthSettings.name, () => {
  const secret = 'x'.repeat(32);

  it('takes a secret of 32+ characters and refuses a short one', () => {
    expect(readAuthSettings({ AUTH_JWT_SECRET: secret })).toEqual({
      AUTH_JWT_SECRET: secret,
      AUTH_JWT_ISSUER: 'tenant-crm',
    });
    expect(() => readAuthSettings({ AUTH_JWT_SECRET: 'short' })).toThrow(/AUTH_JWT_SECRET/);
  });

  it('refuses to start in production without a secret', () => {
    expect(() => readAuthSettings({ NODE_ENV: 'production' })).toThrow(/AUTH_JWT_SECRET: required/);
  });

  it('generates a development secret once and keeps it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'env-spec-'));
    const first = readAuthSettings({ NODE_ENV: 'development', DATA_DIR: dir }).AUTH_JWT_SECRET;
    const second = readAuthSettings({ NODE_ENV: 'development', DATA_DIR: dir }).AUTH_JWT_SECRET;
    expect(first).toHaveLength(43);
    expect(second).toBe(first);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8')).toBe(first);
  });
});
