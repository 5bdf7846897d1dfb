import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { discover } from '@app/tenancy';

/**
 * A module that files data under companies vetoes deleting one that still holds some: declare a
 * provider with `@CompanyDeletionCheckProvider()` implementing this.
 */
export interface CompanyDeletionCheck {
  /** Why the company may not go yet ("still has 3 leads"), or null. Runs in the tenant's context. */
  companyInUse(companyId: string): Promise<string | null>;
}

export const CompanyDeletionCheckProvider = DiscoveryService.createDecorator<void>();

/** Every deletion check the application declares. */
@Injectable()
export class CompanyDeletionChecks {
  private checks?: CompanyDeletionCheck[];

  constructor(private readonly discovery: DiscoveryService) {}

  /** The reasons the company is still in use, one per module that objects. */
  async reasons(companyId: string): Promise<string[]> {
    this.checks ??= discover<CompanyDeletionCheck>(this.discovery, CompanyDeletionCheckProvider);
    const answers = await Promise.all(this.checks.map((c) => c.companyInUse(companyId)));
    return answers.filter((r): r is string => r !== null);
  }
}
