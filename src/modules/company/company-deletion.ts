import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { discover } from '@app/tenancy';

/** What a module still files under a company: `{ key: 'leads', count: 2, label: '2 open leads' }`. */
export interface CompanyUsage {
  /** Names the module's data in the 409's `remaining` object. */
  key: string;
  /** How many are left (a module may stop counting at USAGE_COUNT_LIMIT). */
  count: number;
  /** For people, already in the right number: "1 customer", "2 open leads". */
  label: string;
}

/**
 * A module that files data under companies vetoes deleting one that still holds some: declare a
 * provider with `@CompanyDeletionCheckProvider()` implementing this. Every check is found by
 * discovery, so a module added later blocks the delete without editing the Company module.
 */
export interface CompanyDeletionCheck {
  /** What the module still holds under the company, or null. Runs in the tenant's context. */
  companyInUse(companyId: string): Promise<CompanyUsage | null>;
}

export const CompanyDeletionCheckProvider = DiscoveryService.createDecorator<void>();

/** Counting stops here: the answer only has to say that something is left, and roughly how much. */
export const USAGE_COUNT_LIMIT = 1000;

/** "1 customer", "2 customers", "1000+ customers". */
export function usage(key: string, count: number, singular: string, plural = `${singular}s`): CompanyUsage {
  const shown = count >= USAGE_COUNT_LIMIT ? `${USAGE_COUNT_LIMIT}+` : String(count);
  return { key, count, label: `${shown} ${count === 1 ? singular : plural}` };
}

/** Every deletion check the application declares. */
@Injectable()
export class CompanyDeletionChecks {
  private checks?: CompanyDeletionCheck[];

  constructor(private readonly discovery: DiscoveryService) {}

  /** What is still filed under the company, one entry per module that objects. */
  async usages(companyId: string): Promise<CompanyUsage[]> {
    this.checks ??= discover<CompanyDeletionCheck>(this.discovery, CompanyDeletionCheckProvider);
    const answers = await Promise.all(this.checks.map((c) => c.companyInUse(companyId)));
    return answers
      .filter((u): u is CompanyUsage => u !== null && u.count > 0)
      .sort((a, b) => a.key.localeCompare(b.key));
  }
}
