import { codedError, ErrorKind } from '@app/common';

export enum OpportunityErrorCode {
  NOT_FOUND = 'opportunity.not_found',
  PIPELINE_NOT_FOUND = 'pipeline.not_found',
  CUSTOMER_NOT_FOUND = 'opportunity.customer_not_found',
  INVALID_STAGE = 'opportunity.invalid_stage',
  CLOSED = 'opportunity.closed',
  NOT_CLOSED = 'opportunity.not_closed',
  WRITE_CONFLICT = 'opportunity.write_conflict',
  STAGE_IN_USE = 'pipeline.stage_in_use',
  INVALID_STAGES = 'pipeline.invalid_stages',
  TOO_MANY_PIPELINES = 'pipeline.too_many',
  PIPELINE_WRITE_CONFLICT = 'pipeline.write_conflict',
}

const KIND: Record<OpportunityErrorCode, ErrorKind> = {
  [OpportunityErrorCode.NOT_FOUND]: ErrorKind.NOT_FOUND,
  [OpportunityErrorCode.PIPELINE_NOT_FOUND]: ErrorKind.NOT_FOUND,
  [OpportunityErrorCode.CUSTOMER_NOT_FOUND]: ErrorKind.NOT_FOUND,
  [OpportunityErrorCode.INVALID_STAGE]: ErrorKind.UNPROCESSABLE,
  [OpportunityErrorCode.CLOSED]: ErrorKind.CONFLICT,
  [OpportunityErrorCode.NOT_CLOSED]: ErrorKind.CONFLICT,
  [OpportunityErrorCode.WRITE_CONFLICT]: ErrorKind.CONFLICT,
  [OpportunityErrorCode.STAGE_IN_USE]: ErrorKind.CONFLICT,
  [OpportunityErrorCode.INVALID_STAGES]: ErrorKind.UNPROCESSABLE,
  [OpportunityErrorCode.TOO_MANY_PIPELINES]: ErrorKind.UNPROCESSABLE,
  [OpportunityErrorCode.PIPELINE_WRITE_CONFLICT]: ErrorKind.CONFLICT,
};

export class OpportunityError extends codedError<OpportunityErrorCode>(KIND) {}

export const opportunityNotFound = (id: string) =>
  new OpportunityError(OpportunityErrorCode.NOT_FOUND, `Opportunity ${id} was not found.`);
export const pipelineNotFound = (id: string) =>
  new OpportunityError(OpportunityErrorCode.PIPELINE_NOT_FOUND, `Pipeline ${id} was not found.`);
