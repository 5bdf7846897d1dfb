import { Injectable } from '@nestjs/common';
import { ActivityService } from '../activity';
import { OpportunityService } from '../opportunity';
import type { CustomerWorkSignals, HealthSignalsSource } from './health-signals';

/** The port on the Activity and Opportunity modules' exported services. */
@Injectable()
export class ModuleHealthSignals implements HealthSignalsSource {
  constructor(
    private readonly activities: ActivityService,
    private readonly opportunities: OpportunityService,
  ) {}

  async ofCompany(companyId: string, asOf: Date): Promise<(customerId: string) => CustomerWorkSignals> {
    const [overdue, open] = await Promise.all([
      this.activities.overdueTasksByCustomer(companyId, asOf),
      this.opportunities.openValueByCustomer(companyId),
    ]);
    return (customerId) => ({
      overdueTasks: overdue.get(customerId) ?? 0,
      openOpportunityMinor: open.get(customerId) ?? 0,
    });
  }

  async ofCustomer(customerId: string, asOf: Date): Promise<CustomerWorkSignals & { lastActivityAt: Date | null }> {
    const [overdueTasks, openOpportunityMinor, lastActivityAt] = await Promise.all([
      this.activities.overdueTasksOf(customerId, asOf),
      this.opportunities.openValueOf(customerId),
      this.activities.lastActivityOf(customerId),
    ]);
    return { overdueTasks, openOpportunityMinor, lastActivityAt };
  }
}
