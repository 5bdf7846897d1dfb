import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { expectHidden, IsolationCheck, IsolationProbe, IsolationProbeProvider } from '@app/tenancy';
import { CompanyService } from '../company';
import { CustomerContactsService } from './customer-contacts.service';
import { RevenueLedgerService } from './revenue/revenue-ledger.service';
import { CustomerStatisticsService } from './customer-statistics.service';
import { CustomerStatus } from './customer.enums';
import { CustomerService } from './customer.service';
import { CustomerDuplicatesService } from './merge/customer-duplicates.service';
import { CustomerMergeService } from './merge/customer-merge.service';
import type { CustomerResponse } from './dto/customer.response';

interface Fixture {
  companyId: string;
  token: string;
  customer: CustomerResponse;
}

/** Tenant B must not read, search, count, change or delete a customer of tenant A. */
@IsolationProbeProvider()
@Injectable()
export class CustomerIsolationProbe implements IsolationProbe<Fixture> {
  readonly kind = 'customers';

  constructor(
    private readonly customers: CustomerService,
    private readonly contacts: CustomerContactsService,
    private readonly revenue: RevenueLedgerService,
    private readonly stats: CustomerStatisticsService,
    private readonly companies: CompanyService,
    private readonly duplicates: CustomerDuplicatesService,
    private readonly merges: CustomerMergeService,
  ) {}

  async plant(): Promise<Fixture> {
    const token = `isoprobe${randomBytes(6).toString('hex')}`;
    const company = await this.companies.create({ name: `isolation-probe-${token}` });
    let customer: CustomerResponse | undefined;
    try {
      customer = await this.customers.create({
        companyId: company.id,
        name: `Probe ${token}`,
        email: `${token}@probe.example`,
        tags: [token],
        contacts: [{ firstName: 'Contact', lastName: token }],
      });
      customer = await this.revenue.recordPurchase(customer.id, { amount: 10, purchasedAt: new Date().toISOString() });
      return { companyId: company.id, token, customer };
    } catch (e) {
      // Half-planted: clean up what exists, then report the failure.
      if (customer) await this.customers.erase(customer.id, { leaveNoTrace: true });
      await this.companies.remove(company.id, { leaveNoTrace: true });
      throw e;
    }
  }

  async attack(f: Fixture): Promise<IsolationCheck[]> {
    const id = f.customer.id;
    const contactId = f.customer.contacts[0].id;
    const found = (list: CustomerResponse[]) => list.filter((c) => c.id === id);
    return Promise.all([
      expectHidden('get by id from tenant B', () => this.customers.get(id)),
      expectHidden('list from tenant B', async () => found((await this.customers.list({ limit: 100 })).data)),
      expectHidden('list by company from tenant B', () => this.customers.list({ companyId: f.companyId })),
      expectHidden('search from tenant B', async () => found((await this.customers.list({ q: f.token })).data)),
      expectHidden('recent from tenant B', async () => found((await this.customers.recent({ limit: 100 })).data)),
      expectHidden('statistics of the company from tenant B', () => this.stats.statistics({ companyId: f.companyId })),
      expectHidden('update from tenant B', () => this.customers.update(id, { name: 'hijacked' })),
      expectHidden('status change from tenant B', () =>
        this.customers.setStatus(id, { status: CustomerStatus.CHURNED }),
      ),
      expectHidden('assign from tenant B', () => this.customers.assign(id, { userId: 'intruder' })),
      expectHidden('add contact from tenant B', () => this.contacts.add(id, { name: 'intruder' })),
      expectHidden('make primary from tenant B', () => this.contacts.makePrimary(id, contactId)),
      expectHidden('revenue from tenant B', () =>
        this.revenue.recordPurchase(id, { amount: 1, purchasedAt: new Date().toISOString() }),
      ),
      expectHidden('revenue ledger from tenant B', () => this.revenue.list(id, {})),
      expectHidden('revenue reversal from tenant B', () => this.revenue.reverse(id, id, 'intruder')),
      expectHidden('history from tenant B', () => this.customers.history(id, {})),
      expectHidden('delete from tenant B', () => this.customers.remove(id)),
      expectHidden('restore from tenant B', () => this.customers.restore(id)),
      expectHidden('duplicates of the company from tenant B', () =>
        this.duplicates.ofCompany({ companyId: f.companyId }),
      ),
      expectHidden('duplicates of the customer from tenant B', () => this.duplicates.ofCustomer(id, {})),
      expectHidden('merge into it from tenant B', () => this.merges.merge(id, { sourceIds: [contactId] })),
      expectHidden('merge it (dry run) from tenant B', () =>
        this.merges.merge(id, { sourceIds: [contactId], dryRun: true }),
      ),
    ]);
  }

  async verify(f: Fixture): Promise<IsolationCheck[]> {
    const now = await this.customers.get(f.customer.id);
    const same = JSON.stringify(now) === JSON.stringify(f.customer);
    const stats = await this.stats.statistics({ companyId: f.companyId });
    const counted = stats.totalCustomers === 1 && stats.totalRevenue === 10;
    return [
      { name: 'unchanged in tenant A', passed: same, detail: same ? `version ${now.version} intact` : 'changed' },
      { name: 'statistics unchanged in tenant A', passed: counted, detail: JSON.stringify(stats).slice(0, 200) },
    ];
  }

  /** Through the same erase path as a purge, leaving no trace (audit, realtime log, counters). */
  async cleanup(f: Fixture): Promise<void> {
    await this.customers.erase(f.customer.id, { leaveNoTrace: true });
    await this.companies.remove(f.companyId, { leaveNoTrace: true });
  }
}
