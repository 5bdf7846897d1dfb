export { LeadModule } from './lead.module';
export { LeadService } from './lead.service';
export { LeadDomainEvent, LeadEventName, type LeadFieldChange } from './events/lead.events';
export { LeadResponse } from './dto/lead.response';
export { LeadConversionFailpoint, LeadSource, LeadStatus } from './lead.enums';
export { type LeadConversion, type LeadConversionStep, LeadConversionStepProvider } from './lead-conversion-steps';
export { CreateLeadDto } from './dto/create-lead.dto';
export { UpdateLeadDto } from './dto/update-lead.dto';
export { LeadError, LeadErrorCode } from './lead.errors';
