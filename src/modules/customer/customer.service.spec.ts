import { Types } from 'mongoose';
import { DomainError, ErrorKind } from '@app/common';
import { MemoryVersionedStore, specWriter } from '@app/testing/memory-store';
import type { AuditService } from '../audit';
import type { PurgeHooks } from '@app/tenancy';
import type { CompanyService } from '../company';
import type { CustomerCounters } from './counters/customer-counters';
import { customerRecordType } from './customer-records';
import { CustomerStatus, MAX_TAGS } from './customer.enums';
import type { CustomerRepository } from './customer.repository';
import type { CustomerSegments } from './customer-segments';
import { CustomerService } from './customer.service';
import type { CustomerLean } from './schemas/customer.schema';
import type { CustomerDeletionChecks } from './customer-deletion';
import type { RevenueLedgerService } from './revenue/revenue-ledger.service';
import type { TimelineService } from './timeline/timeline.service';

const COMPANY = new Types.ObjectId().toHexString();

describe(CustomerService.name, () => {
  let store: MemoryVersionedStore<CustomerLean>;
  let emitted: string[];
  let sut: CustomerService;

  beforeEach(() => {
    store = new MemoryVersionedStore<CustomerLean>();
    const { writer, context, emitted: names } = specWriter();
    emitted = names;
    const repo = store as unknown as CustomerRepository;
    const counters = { record: async () => undefined } as unknown as CustomerCounters;
    const records = writer.for(customerRecordType(repo, context, counters));
    const companies = {
      assertVisible: async (id: string) => {
        if (id !== COMPANY) throw new DomainError(ErrorKind.NOT_FOUND, 'company.not_found', 'no');
      },
    } as unknown as CompanyService;
    sut = new CustomerService(
      repo,
      records,
      companies,
      {} as AuditService,
      context,
      {} as PurgeHooks,
      {} as TimelineService,
      counters,
      {} as RevenueLedgerService,
      { assertDeletable: async () => undefined } as unknown as CustomerDeletionChecks,
      {} as CustomerSegments,
      writer.lock,
    );
  });

  const create = (extra: object = {}) => sut.create({ companyId: COMPANY, name: 'Acme', ...extra });

  it('files a customer only under a visible company, answering as the customer module does', async () => {
    await expect(sut.create({ companyId: new Types.ObjectId().toHexString(), name: 'X' })).rejects.toMatchObject({
      code: 'customer.company_not_found',
    });
    expect(store.rows.size).toBe(0);
  });

  it('starts with a status history entry at its creation instant, by its creator', async () => {
    const c = await create({ status: CustomerStatus.INACTIVE });
    expect(c.statusHistory).toEqual([{ from: null, to: 'inactive', reason: null, by: 'u1', at: c.createdAt }]);
    expect(c).toMatchObject({ version: 1, source: 'direct', createdBy: 'u1' });
    expect(emitted).toEqual(['customer.created']);
  });

  it('a conversion gives the customer the lead id; a second one returns the same customer', async () => {
    const leadId = new Types.ObjectId().toHexString();
    const first = await create({}).then(() => sut.create({ companyId: COMPANY, name: 'From lead' }, { leadId }));
    const again = await sut.create({ companyId: COMPANY, name: 'Other name' }, { leadId });
    expect(first).toMatchObject({ id: leadId, leadId, source: 'lead_conversion' });
    expect(again).toEqual(first);
    await expect(sut.create({ companyId: COMPANY, name: 'X' }, { leadId: 'nope' })).rejects.toMatchObject({
      code: 'request.invalid_id',
    });
  });

  it('a conversion whose customer was deleted is a conflict, not a second customer', async () => {
    const leadId = new Types.ObjectId().toHexString();
    await sut.create({ companyId: COMPANY, name: 'From lead' }, { leadId });
    await sut.remove(leadId);
    await expect(sut.create({ companyId: COMPANY, name: 'From lead' }, { leadId })).rejects.toMatchObject({
      code: 'customer.lead_customer_deleted',
    });
  });

  it('PATCH writes only fields that differ; the same values write nothing', async () => {
    const c = await create({ email: 'a@acme.test' });
    const same = await sut.update(c.id, { name: 'Acme', email: 'a@acme.test' });
    expect(same.version).toBe(1);
    const renamed = await sut.update(c.id, { name: 'Acme Ltd', email: 'a@acme.test' }, 1);
    expect(renamed).toMatchObject({ name: 'Acme Ltd', version: 2 });
    expect(store.rows.get(c.id)?.nameSort).toBe('acme ltd');
    await expect(sut.update(c.id, { name: 'Again' }, 1)).rejects.toMatchObject({ code: 'customer.version_mismatch' });
  });

  it('status changes append who, why and when; the same status is a no-op', async () => {
    const c = await create();
    const changed = await sut.setStatus(c.id, { status: CustomerStatus.CHURNED, reason: 'moved' });
    expect(changed.statusHistory.at(-1)).toMatchObject({ from: 'active', to: 'churned', reason: 'moved', by: 'u1' });
    const again = await sut.setStatus(c.id, { status: CustomerStatus.CHURNED });
    expect(again.version).toBe(changed.version);
  });

  it('tags are normalised and capped', async () => {
    const c = await create({ tags: ['VIP'] });
    const more = await sut.addTags(c.id, { tags: [' vip ', 'Emea'] });
    expect(more.tags).toEqual(['vip', 'emea']);
    const many = Array.from({ length: MAX_TAGS }, (_, i) => `t${i}`);
    await expect(sut.addTags(c.id, { tags: many })).rejects.toMatchObject({ code: 'customer.too_many_tags' });
  });

  it('a deleted customer is hidden until restored; restoring a live one changes nothing', async () => {
    const c = await create();
    await sut.remove(c.id);
    await expect(sut.get(c.id)).rejects.toMatchObject({ code: 'customer.not_found' });
    const restored = await sut.restore(c.id);
    expect(await sut.restore(c.id)).toEqual(restored);
    expect(emitted).toEqual(['customer.created', 'customer.deleted', 'customer.restored']);
  });
});
