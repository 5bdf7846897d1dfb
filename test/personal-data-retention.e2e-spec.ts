import { TenantMaintenance, TenantRunner } from '@app/tenancy';
import { snapshotTenant } from './security/support/tenant-snapshot';
import { newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

const DAY_MS = 24 * 3600_000;

/**
 * Personal data does not linger: the realtime event log is pruned by age by housekeeping (not only
 * when a company writes more events), and purging a customer removes its payloads from the event log
 * and redacts its personal fields in the audit trail. The tenant database is read directly.
 */
describe('Personal data retention', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Deleted customers are purged at the next housekeeping pass, so the pass can run at the real time
    // (a pass run a month ahead would age every event out and prove nothing about the purge).
    process.env.CUSTOMER_PURGE_AFTER_DAYS = '0';
    t = await startTestApp();
    delete process.env.CUSTOMER_PURGE_AFTER_DAYS;
  });
  afterAll(() => t.close());

  const housekeeping = (tenant: TenantFixture, now: Date) =>
    t.app.get(TenantRunner).runInTenant(tenant.slug, () => t.app.get(TenantMaintenance).runTenant(now));
  const everything = async (tenant: TenantFixture) => JSON.stringify(await snapshotTenant(t.app, tenant.slug));
  const logged = async (tenant: TenantFixture) =>
    JSON.parse((await snapshotTenant(t.app, tenant.slug)).realtime_events) as Array<{ payload: string }>;

  async function waitForLog(tenant: TenantFixture, n: number): Promise<void> {
    for (let i = 0; i < 100 && (await logged(tenant)).length < n; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await logged(tenant)).toHaveLength(n);
  }

  it("a quiet company's events leave the log after a day, by housekeeping", async () => {
    const tenant = await newTenant(t, 'quiet');
    const companyId = await newCompany(tenant);
    await tenant.member
      .post('/api/v1/customers')
      .send({ companyId, name: 'Quiet Customer', email: 'quiet.person@example.com' })
      .expect(201);
    await waitForLog(tenant, 1);
    expect(await everything(tenant)).toContain('quiet.person@example.com');

    // An hour on, the event stays (replay still works); past the age limit, the timer's pass removes it.
    expect((await housekeeping(tenant, new Date(Date.now() + 3600_000)))['realtime-event-log']).toBe(0);
    await waitForLog(tenant, 1);
    expect((await housekeeping(tenant, new Date(Date.now() + DAY_MS + 60_000)))['realtime-event-log']).toBe(1);
    expect(await logged(tenant)).toEqual([]);
  });

  it('purging a customer removes its event payloads and redacts its personal fields in audit entries', async () => {
    const tenant = await newTenant(t, 'purge');
    const companyId = await newCompany(tenant);
    const marker = `zq${Date.now().toString(36)}`;
    const personal = [`${marker}@example.com`, `${marker}.new@example.com`, `Contact${marker}`, `${marker} Street`];
    const keep = await tenant.member
      .post('/api/v1/customers')
      .send({ companyId, name: 'Stays Here', email: 'stays@example.com' })
      .expect(201);
    const c = await tenant.member
      .post('/api/v1/customers')
      .send({
        companyId,
        name: `Gone ${marker}`,
        email: personal[0],
        address: { street: personal[3] },
        contacts: [{ firstName: personal[2], lastName: 'Doe', email: `c.${marker}@example.com` }],
      })
      .expect(201);
    await tenant.member.patch(`/api/v1/customers/${c.body.id}`).send({ email: personal[1] }).expect(200);
    await tenant.member.put(`/api/v1/customers/${c.body.id}/status`).send({ status: 'churned' }).expect(200);
    await tenant.admin.delete(`/api/v1/customers/${c.body.id}`).expect(204);
    await waitForLog(tenant, 5);
    const before = await everything(tenant);
    for (const p of personal) expect(before).toContain(p);

    // The retention purge (the timer's pass, called directly here).
    const done = await housekeeping(tenant, new Date(Date.now() + 1000));
    expect(done).toMatchObject({ 'customer-retention': 1, 'realtime-event-log': 0 });

    const after = await everything(tenant);
    for (const p of [...personal, `c.${marker}@example.com`, `Gone ${marker}`]) expect(after).not.toContain(p);
    // The other customer's event and data are untouched.
    const left = await logged(tenant);
    expect(left.map((e) => (JSON.parse(e.payload) as { customerId: string }).customerId)).toEqual([keep.body.id]);
    expect(after).toContain('stays@example.com');

    // The audit trail keeps who did what and when, without the personal values.
    const trail = await tenant.admin.get(`/api/v1/audit?entityType=customer&entityId=${c.body.id}`).expect(200);
    expect(trail.body.data.map((e: { action: string }) => e.action)).toEqual([
      'customer.purged',
      'customer.deleted',
      'customer.status_changed',
      'customer.updated',
      'customer.created',
    ]);
    const updated = trail.body.data.find((e: { action: string }) => e.action === 'customer.updated');
    expect(updated.changes.email).toEqual({ from: '[redacted]', to: '[redacted]' });
    const statusChange = trail.body.data.find((e: { action: string }) => e.action === 'customer.status_changed');
    expect(statusChange.changes.status).toEqual({ from: 'active', to: 'churned' });

    // Idempotent: a second pass changes nothing.
    await housekeeping(tenant, new Date(Date.now() + 1000));
    expect(await everything(tenant)).toBe(after);
  });
});
