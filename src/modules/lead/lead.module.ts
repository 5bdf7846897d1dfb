import { Module } from '@nestjs/common';
import { TenancyModule } from '@app/tenancy';
import { CompanyModule } from '../company';
import { CustomerModule } from '../customer';
import { OpportunityModule } from '../opportunity';
import { LeadOpportunity } from './lead-opportunity';
import { LeadCompanyCheck } from './lead-company.check';
import { LeadContactNamesMigration } from './lead-contact-names.migration';
import { LeadExternalKeysMigration } from './lead-external-keys.migration';
import { LeadConversionService } from './lead-conversion.service';
import { LeadConversionSteps } from './lead-conversion-steps';
import { LeadController } from './lead.controller';
import { LeadIsolationProbe } from './lead.isolation-probe';
import { LeadMergeParticipant } from './lead.merge-participant';
import { LeadRepository } from './lead.repository';
import { LeadService } from './lead.service';
import { LeadConversionTimelineSource } from './lead.timeline-source';
import { Lead, LeadSchema } from './schemas/lead.schema';

/** Leads and their conversion into customers through CustomerService (never its collection). */
@Module({
  imports: [
    TenancyModule.forFeature([{ name: Lead.name, schema: LeadSchema }]),
    CompanyModule,
    CustomerModule,
    OpportunityModule,
  ],
  controllers: [LeadController],
  providers: [
    // storage
    LeadRepository,
    // services
    LeadService,
    LeadConversionService,
    LeadConversionSteps,
    LeadOpportunity,
    // registrations: isolation probe, company-deletion check, timeline source, merge participant, data migrations
    LeadIsolationProbe,
    LeadCompanyCheck,
    LeadConversionTimelineSource,
    LeadMergeParticipant,
    LeadContactNamesMigration,
    LeadExternalKeysMigration,
  ],
  exports: [LeadService],
})
export class LeadModule {}
