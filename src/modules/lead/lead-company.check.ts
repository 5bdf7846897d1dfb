import { Injectable } from '@nestjs/common';
import {
  type CompanyDeletionCheck,
  CompanyDeletionCheckProvider,
  type CompanyUsage,
  usage,
  USAGE_COUNT_LIMIT,
} from '../company';
import { LeadRepository } from './lead.repository';

/**
 * A company with open leads can not be deleted: they would be orphaned, and their conversion would
 * fail. Converted leads are history that points at a customer (which blocks while it is live).
 */
@CompanyDeletionCheckProvider()
@Injectable()
export class LeadCompanyCheck implements CompanyDeletionCheck {
  constructor(private readonly repo: LeadRepository) {}

  async companyInUse(companyId: string): Promise<CompanyUsage | null> {
    const open = await this.repo.countOpenInCompany(companyId, USAGE_COUNT_LIMIT);
    return open ? usage('leads', open, 'open lead') : null;
  }
}
