import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { expectHidden, IsolationCheck, IsolationProbe, IsolationProbeProvider } from '@app/tenancy';
import { CompanyService } from './company.service';
import type { CompanyResponse } from './dto/company.dto';

/** Tenant B must not get, list, rename or delete a company of tenant A. */
@IsolationProbeProvider()
@Injectable()
export class CompanyIsolationProbe implements IsolationProbe<CompanyResponse> {
  readonly kind = 'companies';

  constructor(private readonly companies: CompanyService) {}

  plant(): Promise<CompanyResponse> {
    return this.companies.create({ name: `isolation-probe-${randomBytes(6).toString('hex')}` });
  }

  async attack(c: CompanyResponse): Promise<IsolationCheck[]> {
    return Promise.all([
      expectHidden('get by id from tenant B', () => this.companies.get(c.id)),
      expectHidden('list from tenant B', async () => (await this.companies.list()).filter((x) => x.id === c.id)),
      expectHidden('update from tenant B', () => this.companies.update(c.id, { name: 'hijacked' })),
      expectHidden('delete from tenant B', () => this.companies.remove(c.id)),
    ]);
  }

  async verify(c: CompanyResponse): Promise<IsolationCheck[]> {
    const now = await this.companies.get(c.id);
    const same = now.name === c.name && now.version === c.version;
    return [{ name: 'unchanged in tenant A', passed: same, detail: same ? 'name and version intact' : 'changed' }];
  }

  cleanup(c: CompanyResponse): Promise<void> {
    return this.companies.remove(c.id, { leaveNoTrace: true });
  }
}
