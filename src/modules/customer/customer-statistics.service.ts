import { Injectable } from '@nestjs/common';
import { TenantContext } from '@app/tenancy';
import { CompanyService } from '../company';
import { customerListFilter } from './customer-search';
import { CustomerSource, CustomerStatus } from './customer.enums';
import { toMajor } from '../../domain/money';
import { CustomerRepository } from './customer.repository';
import type { CustomerStatisticsResponse } from './dto/customer.response';
import type { CompanyScopeQueryDto } from '@app/common';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Counts and sums over live customers, per company or tenant-wide. No `$facet` (FerretDB):
 * four small pipelines run in parallel, each with a single accumulator, because FerretDB 1.24
 * computes only the first accumulator of a `$group` correctly (the others come back 0).
 */
@Injectable()
export class CustomerStatisticsService {
  constructor(
    private readonly repo: CustomerRepository,
    private readonly companies: CompanyService,
    private readonly context: TenantContext,
  ) {}

  async statistics(query: CompanyScopeQueryDto, now = new Date()): Promise<CustomerStatisticsResponse> {
    if (query.companyId) await this.companies.assertVisible(query.companyId);
    const match = customerListFilter({ companyId: query.companyId }, this.context.principal.companies) ?? {};
    const [byStatus, bySource, revenueMinor, newLast30Days] = await Promise.all([
      this.repo.countBy(match, 'status'),
      this.repo.countBy(match, 'source'),
      this.repo.sum(match, 'totalRevenueMinor'),
      this.repo.count({ ...match, createdAt: { $gte: new Date(now.getTime() - 30 * DAY_MS) } }),
    ]);
    const totalCustomers = [...byStatus.values()].reduce((a, b) => a + b, 0);
    return {
      companyId: query.companyId ?? null,
      totalCustomers,
      byStatus: everyValue(Object.values(CustomerStatus), byStatus),
      bySource: everyValue(Object.values(CustomerSource), bySource),
      totalRevenue: toMajor(revenueMinor),
      averageRevenue: totalCustomers ? toMajor(Math.round(revenueMinor / totalCustomers)) : 0,
      newLast30Days,
    };
  }
}

/** Every enum value with its count, zeros included. */
function everyValue<K extends string>(keys: K[], counts: Map<string | null, number>): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, counts.get(k) ?? 0])) as Record<K, number>;
}
