import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { discover } from '@app/tenancy';

/** A lead being converted, once its customer exists. */
export interface LeadConversion {
  leadId: string;
  customerId: string;
  companyId: string;
}

/**
 * Work another module does as part of a lead's conversion (the Activity module re-points the lead's
 * activities to the customer), declared with `@LeadConversionStepProvider()` so the Lead module imports
 * nothing of it. Steps run after the customer is created and before the lead is marked converted, under
 * the lead's record lock; a conversion that crashed half-way runs them again on its retry, so a step must
 * be idempotent and finish what an earlier attempt started.
 */
export interface LeadConversionStep {
  afterCustomerCreated(conversion: LeadConversion): Promise<void>;
}

export const LeadConversionStepProvider = DiscoveryService.createDecorator<void>();

/** Every registered conversion step, in module registration order. */
@Injectable()
export class LeadConversionSteps {
  private steps?: LeadConversionStep[];

  constructor(private readonly discovery: DiscoveryService) {}

  async run(conversion: LeadConversion): Promise<void> {
    this.steps ??= discover<LeadConversionStep>(this.discovery, LeadConversionStepProvider);
    for (const step of this.steps) await step.afterCustomerCreated(conversion);
  }
}
