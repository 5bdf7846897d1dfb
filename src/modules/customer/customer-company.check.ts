import { Injectable } from '@nestjs/common';
import {
  type CompanyDeletionCheck,
  CompanyDeletionCheckProvider,
  type CompanyUsage,
  usage,
  USAGE_COUNT_LIMIT,
} from '../company';
import { CustomerRepository } from './customer.repository';

/** A company with live customers can not be deleted. */
@CompanyDeletionCheckProvider()
@Injectable()
export class CustomerCompanyCheck implements CompanyDeletionCheck {
  constructor(private readonly repo: CustomerRepository) {}

  async companyInUse(companyId: string): Promise<CompanyUsage | null> {
    const live = await this.repo.countInCompany(companyId, USAGE_COUNT_LIMIT);
    return live ? usage('customers', live, 'customer') : null;
  }
}
