import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { expectHidden, IsolationCheck, IsolationProbe, IsolationProbeProvider } from '@app/tenancy';
import { CompanyService } from '../company';
import type { LeadResponse } from './dto/lead.response';
import { LeadConversionService } from './lead-conversion.service';
import { LeadService } from './lead.service';

interface LeadFixture {
  companyId: string;
  lead: LeadResponse;
  marker: string;
}

/** Tenant B must not read, find, change, delete or convert a lead of tenant A. */
@IsolationProbeProvider()
@Injectable()
export class LeadIsolationProbe implements IsolationProbe<LeadFixture> {
  readonly kind = 'leads';

  constructor(
    private readonly companies: CompanyService,
    private readonly leads: LeadService,
    private readonly conversion: LeadConversionService,
  ) {}

  async plant(): Promise<LeadFixture> {
    const marker = `probe${randomBytes(5).toString('hex')}`;
    const company = await this.companies.create({ name: `isolation-probe-${marker}` });
    try {
      const lead = await this.leads.create({
        companyId: company.id,
        name: `Lead ${marker}`,
        email: `${marker}@probe.example`,
        contacts: [{ firstName: 'Contact', lastName: marker }],
      });
      return { companyId: company.id, lead, marker };
    } catch (e) {
      await this.companies.remove(company.id, { leaveNoTrace: true });
      throw e;
    }
  }

  attack({ companyId, lead, marker }: LeadFixture): Promise<IsolationCheck[]> {
    return Promise.all([
      expectHidden('get by id from tenant B', () => this.leads.get(lead.id)),
      expectHidden('list from tenant B', async () => (await this.leads.list({})).data.filter((l) => l.id === lead.id)),
      expectHidden('list by A company id from tenant B', () => this.leads.list({ companyId })),
      expectHidden('search from tenant B', async () => (await this.leads.list({ q: marker })).data),
      expectHidden('update from tenant B', () => this.leads.update(lead.id, { name: 'hijacked' })),
      expectHidden('delete from tenant B', () => this.leads.remove(lead.id)),
      expectHidden('convert from tenant B', () => this.conversion.convert(lead.id, {})),
      expectHidden('create under A company from tenant B', () =>
        this.leads.create({ companyId, name: 'planted by B' }),
      ),
    ]);
  }

  async verify({ lead }: LeadFixture): Promise<IsolationCheck[]> {
    const now = await this.leads.get(lead.id);
    const same = now.version === lead.version && now.name === lead.name && now.status === lead.status;
    return [
      { name: 'unchanged in tenant A', passed: same, detail: same ? 'version, name and status intact' : 'changed' },
    ];
  }

  /** Through the same erase path as a purge, leaving no trace. */
  async cleanup({ companyId, lead }: LeadFixture): Promise<void> {
    await this.leads.erase(lead.id, { leaveNoTrace: true });
    await this.companies.remove(companyId, { leaveNoTrace: true });
  }
}
