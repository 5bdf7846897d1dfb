export { OpportunityModule } from './opportunity.module';
export { OpportunityService, type CreateOpportunityOptions } from './opportunity.service';
export { OpportunityStatus, OpportunityFailpoint, DEFAULT_PIPELINE_ID } from './opportunity.enums';
export { OpportunityResponse } from './dto/opportunity.response';
export type { CreateOpportunityDto } from './dto/opportunity.dto';
export { OpportunityDomainEvent, OpportunityEventName, PipelineEventName } from './events/opportunity.events';
