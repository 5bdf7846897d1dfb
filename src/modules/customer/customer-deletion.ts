import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { discover } from '@app/tenancy';
import { CustomerError, CustomerErrorCode } from './customer.errors';

/**
 * A module whose live data would be orphaned by deleting a customer vetoes the delete (409 naming what
 * is left): declare a provider with `@CustomerDeletionCheckProvider()` implementing this.
 */
export interface CustomerDeletionCheck {
  /** What still needs the customer (`{ key: 'openOpportunities', count: 2, label: '2 open opportunities' }`), or null. */
  customerInUse(customerId: string): Promise<{ key: string; count: number; label: string } | null>;
}

export const CustomerDeletionCheckProvider = DiscoveryService.createDecorator<void>();

/** Every customer-deletion check the application declares. */
@Injectable()
export class CustomerDeletionChecks {
  private checks?: CustomerDeletionCheck[];

  constructor(private readonly discovery: DiscoveryService) {}

  async assertDeletable(customerId: string): Promise<void> {
    this.checks ??= discover<CustomerDeletionCheck>(this.discovery, CustomerDeletionCheckProvider);
    const answers = await Promise.all(this.checks.map((c) => c.customerInUse(customerId)));
    const left = answers.filter((a): a is NonNullable<typeof a> => a !== null && a.count > 0);
    if (!left.length) return;
    throw new CustomerError(
      CustomerErrorCode.IN_USE,
      `The customer still has ${left.map((l) => l.label).join(', ')}; close or move them first.`,
      { remaining: Object.fromEntries(left.map((l) => [l.key, l.count])) },
    );
  }
}
