import { Module } from '@nestjs/common';
import { TenancyModule } from '@app/tenancy';
import { CompanyModule } from '../company';
import { CustomerModule } from '../customer';
import { LeadModule } from '../lead';
import { ActivityController } from './activity.controller';
import { ActivityIsolationProbe } from './activity.isolation-probe';
import {
  ActivityCompanyCheck,
  ActivityLeadConversionStep,
  ActivityMergeParticipant,
  ActivityPurgeHook,
} from './activity.registrations';
import { ActivityRepository } from './activity.repository';
import { ActivityRollups } from './activity-rollups';
import { ActivityService } from './activity.service';
import { ActivityTargets } from './activity-targets';
import { ActivityTimelineSource } from './activity.timeline-source';
import { Activity, ActivitySchema } from './schemas/activity.schema';
import { CustomerActivityTarget } from './targets/customer.activity-target';
import { LeadActivityTarget } from './targets/lead.activity-target';

/**
 * Notes, calls, emails, meetings and tasks on customers and leads (and any target a module
 * registers with `@ActivityTargetProvider()`); their entries on the customer timeline and the
 * customer's activity rollups. Reaches customers and leads through their exported services only.
 */
@Module({
  imports: [
    TenancyModule.forFeature([{ name: Activity.name, schema: ActivitySchema }]),
    CompanyModule,
    CustomerModule,
    LeadModule,
  ],
  controllers: [ActivityController],
  providers: [
    // storage
    ActivityRepository,
    // services
    ActivityService,
    ActivityTargets,
    ActivityRollups,
    // registrations: targets, timeline source, lead conversion step, merge participant, isolation probe, purge hook, company-deletion check
    CustomerActivityTarget,
    LeadActivityTarget,
    ActivityTimelineSource,
    ActivityLeadConversionStep,
    ActivityMergeParticipant,
    ActivityIsolationProbe,
    ActivityPurgeHook,
    ActivityCompanyCheck,
  ],
  exports: [ActivityService],
})
export class ActivityModule {}
