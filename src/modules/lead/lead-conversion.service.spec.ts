import { Types } from 'mongoose';
import { Failpoints, type PurgeHooks, type RecordLock } from '@app/tenancy';
import { MemoryVersionedStore, specWriter } from '@app/testing/memory-store';
import type { CompanyService } from '../company';
import type { CreateCustomerDto, CustomerResponse, CustomerService } from '../customer';
import type { LeadOpportunity } from './lead-opportunity';
import { LeadConversionService } from './lead-conversion.service';
import type { LeadConversion, LeadConversionSteps } from './lead-conversion-steps';
import type { LeadRepository } from './lead.repository';
import { LeadService } from './lead.service';
import type { LeadLean } from './schemas/lead.schema';

const COMPANY = new Types.ObjectId().toHexString();

/** The Customer module as the conversion sees it: create is idempotent per lead id. */
class FakeCustomers {
  readonly byId = new Map<string, CustomerResponse>();
  creates = 0;

  async create(dto: CreateCustomerDto, opts: { leadId?: string } = {}): Promise<CustomerResponse> {
    this.creates++;
    const id = opts.leadId ?? new Types.ObjectId().toHexString();
    const existing = this.byId.get(id);
    if (existing) return existing;
    const customer = {
      ...dto,
      id,
      leadId: opts.leadId ?? null,
      source: 'lead_conversion',
    } as unknown as CustomerResponse;
    this.byId.set(id, customer);
    return customer;
  }

  async list(query: { q?: string }): Promise<{ data: CustomerResponse[]; nextCursor: null }> {
    const q = (query.q ?? '').toLowerCase();
    const data = [...this.byId.values()].filter((c) => c.name.toLowerCase().includes(q) || (c.email ?? '').includes(q));
    return { data, nextCursor: null };
  }
}

describe(LeadConversionService.name, () => {
  let leadStore: MemoryVersionedStore<LeadLean>;
  let customers: FakeCustomers;
  let leads: LeadService;
  let emitted: string[];
  let sut: LeadConversionService;
  let stepRuns: LeadConversion[];
  let failStep: number;

  beforeEach(() => {
    leadStore = new MemoryVersionedStore<LeadLean>();
    customers = new FakeCustomers();
    const { writer, context, emitted: names } = specWriter();
    emitted = names;
    const lock = { run: <T>(_key: string, fn: () => Promise<T>) => fn() } as unknown as RecordLock;
    const companies = { assertVisible: async () => undefined } as unknown as CompanyService;
    leads = new LeadService(leadStore as unknown as LeadRepository, companies, context, {} as PurgeHooks, writer);
    stepRuns = [];
    failStep = 0;
    const steps = {
      run: async (c: LeadConversion) => {
        stepRuns.push(c);
        if (failStep-- > 0) throw new Error('process died in a step');
      },
    } as unknown as LeadConversionSteps;
    sut = new LeadConversionService(
      leads,
      customers as unknown as CustomerService,
      context,
      lock,
      steps,
      {} as LeadOpportunity,
      new Failpoints(),
    );
  });

  const newLead = () =>
    leads.create({
      companyId: COMPANY,
      name: 'Jane Prospect',
      companyName: 'Initech',
      email: 'jane@initech.test',
      contacts: [{ name: 'Jane Prospect', email: 'jane@initech.test' }],
    });

  it('creates the customer under the lead id with the lead data, then marks the lead converted', async () => {
    const lead = await newLead();
    const res = await sut.convert(lead.id, { industry: 'Software' });
    expect(res.customer).toMatchObject({
      id: lead.id,
      name: 'Initech',
      email: 'jane@initech.test',
      industry: 'Software',
    });
    expect(res.lead).toMatchObject({ status: 'converted', customerId: lead.id, convertedBy: 'u1', version: 2 });
    expect(emitted).toEqual(['lead.created', 'lead.converted']);
  });

  it('a converted lead converts no more: 409 naming the customer, nothing created', async () => {
    const lead = await newLead();
    await sut.convert(lead.id, {});
    await expect(sut.convert(lead.id, {})).rejects.toMatchObject({
      code: 'lead.already_converted',
      extra: { customerId: lead.id },
    });
    expect(customers.creates).toBe(1);
    await expect(leads.update(lead.id, { name: 'Changed' })).rejects.toMatchObject({
      code: 'lead.converted_read_only',
    });
  });

  it('a crash between creating the customer and marking the lead is healed by the retry, with one customer', async () => {
    const lead = await newLead();
    const mark = jest.spyOn(leads.records, 'mutate').mockRejectedValueOnce(new Error('process died'));
    await expect(sut.convert(lead.id, {})).rejects.toThrow('process died');
    expect((await leads.get(lead.id)).status).toBe('new');
    mark.mockRestore();
    const res = await sut.convert(lead.id, {});
    expect(res.lead.status).toBe('converted');
    expect(customers.byId.size).toBe(1);
  });

  it('runs the conversion steps with the new customer before marking the lead; a crash in a step is healed by the retry', async () => {
    const lead = await newLead();
    failStep = 1;
    await expect(sut.convert(lead.id, {})).rejects.toThrow('process died in a step');
    expect((await leads.get(lead.id)).status).toBe('new');
    const res = await sut.convert(lead.id, {});
    expect(res.lead.status).toBe('converted');
    const companyId = COMPANY;
    expect(stepRuns).toEqual([
      { leadId: lead.id, customerId: lead.id, companyId },
      { leadId: lead.id, customerId: lead.id, companyId },
    ]);
    expect(customers.byId.size).toBe(1);
  });

  it('a preview writes nothing and lists customers with the same email or name', async () => {
    const lead = await newLead();
    await customers.create({ companyId: COMPANY, name: 'initech', email: 'other@x.test' });
    const preview = await sut.preview(lead.id, {});
    expect(preview).toMatchObject({ dryRun: true, customer: { name: 'Initech', leadId: lead.id } });
    expect(preview.duplicates).toEqual([expect.objectContaining({ name: 'initech', matchedOn: ['name'] })]);
    expect((await leads.get(lead.id)).status).toBe('new');
  });
});
