import { readTenancySettings } from './tenancy.settings';

describe(readTenancySettings.name, () => {
  it('applies defaults and refuses names that are not plain database names', () => {
    expect(readTenancySettings({})).toMatchObject({ MONGODB_REGISTRY_DB: 'crm_registry', TENANT_DB_PREFIX: 'crm_t_' });
    expect(() => readTenancySettings({ MONGODB_URI: 'http://x' })).toThrow(/MONGODB_URI/);
    expect(() => readTenancySettings({ TENANT_DB_PREFIX: 'a.b' })).toThrow(/TENANT_DB_PREFIX/);
  });

  it('takes kill failpoints for crash tests, never in production', () => {
    const points = 'writer.after-record-write=kill,outbox.after-consume=kill';
    expect(readTenancySettings({ FAILPOINTS: points }).FAILPOINTS).toBe(points);
    expect(() => readTenancySettings({ FAILPOINTS: 'writer.after-record-write=crash' })).toThrow(/FAILPOINTS/);
    expect(() => readTenancySettings({ FAILPOINTS: points, NODE_ENV: 'production' })).toThrow(/not allowed/);
  });
});
