import { Injectable } from '@nestjs/common';
import { type CompanyDeletionCheck, CompanyDeletionCheckProvider } from '../company';
import { CustomerRepository } from './customer.repository';

/** A company with live customers can not be deleted. */
@CompanyDeletionCheckProvider()
@Injectable()
export class CustomerCompanyCheck implements CompanyDeletionCheck {
  constructor(private readonly repo: CustomerRepository) {}

  async companyInUse(companyId: string): Promise<string | null> {
    return (await this.repo.existsInCompany(companyId))
      ? `Company ${companyId} still has customers; delete them first.`
      : null;
  }
}
