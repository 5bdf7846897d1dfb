import { Module } from '@nestjs/common';
import { TenancyModule } from '@app/tenancy';
import { CompanyModule } from '../company';
import { CustomerModule } from '../customer';
import { OpportunityController } from './opportunity.controller';
import { OpportunityForecastService } from './opportunity-forecast.service';
import { OpportunityIsolationProbe } from './opportunity.isolation-probe';
import {
  DefaultPipelineSetup,
  OpportunityCompanyCheck,
  OpportunityCustomerCheck,
  OpportunityMergeParticipant,
  OpportunityPurge,
  OpportunityTimelineSource,
} from './opportunity.registrations';
import { OpportunityRepository } from './opportunity.repository';
import { OpportunityService } from './opportunity.service';
import { PipelineController } from './pipeline.controller';
import { PipelineRepository } from './pipeline.repository';
import { PipelineService } from './pipeline.service';
import { Opportunity, OpportunitySchema } from './schemas/opportunity.schema';
import { Pipeline, PipelineSchema } from './schemas/pipeline.schema';

/**
 * Pipelines, deals and the forecast. Revenue of won deals goes to the customer's ledger through
 * CustomerService (never its collections); lead conversion creates deals through OpportunityService.
 */
@Module({
  imports: [
    TenancyModule.forFeature([
      { name: Pipeline.name, schema: PipelineSchema },
      { name: Opportunity.name, schema: OpportunitySchema },
    ]),
    CompanyModule,
    CustomerModule,
  ],
  controllers: [PipelineController, OpportunityController],
  providers: [
    // storage
    PipelineRepository,
    OpportunityRepository,
    // services
    PipelineService,
    OpportunityService,
    OpportunityForecastService,
    // registrations: isolation probe, deletion checks, merge participant, purge hook, timeline source, default pipeline
    OpportunityIsolationProbe,
    OpportunityCompanyCheck,
    OpportunityCustomerCheck,
    OpportunityMergeParticipant,
    OpportunityPurge,
    OpportunityTimelineSource,
    DefaultPipelineSetup,
  ],
  exports: [OpportunityService],
})
export class OpportunityModule {}
