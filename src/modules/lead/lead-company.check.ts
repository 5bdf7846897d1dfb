import { Injectable } from '@nestjs/common';
import { type CompanyDeletionCheck, CompanyDeletionCheckProvider } from '../company';
import { LeadRepository } from './lead.repository';

/**
 * A company with open leads can not be deleted: they would be orphaned, and their conversion would
 * fail. Converted leads are history that points at a customer (which blocks while it is live).
 */
@CompanyDeletionCheckProvider()
@Injectable()
export class LeadCompanyCheck implements CompanyDeletionCheck {
  constructor(private readonly repo: LeadRepository) {}

  async companyInUse(companyId: string): Promise<string | null> {
    return (await this.repo.openInCompany(companyId))
      ? `Company ${companyId} still has open leads; convert or delete them first.`
      : null;
  }
}
