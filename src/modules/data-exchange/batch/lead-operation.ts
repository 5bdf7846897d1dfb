import { Injectable } from '@nestjs/common';
import { RecordLock } from '@app/tenancy';
import { CreateLeadDto, LeadError, LeadErrorCode, type LeadResponse, LeadService, UpdateLeadDto } from '../../lead';
import { RecordOperations, type RecordPort } from './record-operations';

/** Leads as operations write them: through LeadService only. */
function leadPort(leads: LeadService): RecordPort<LeadResponse, CreateLeadDto, UpdateLeadDto> {
  return {
    noun: 'lead',
    createDto: CreateLeadDto,
    updateDto: UpdateLeadDto,
    // Rows stay in the import's company; everything else of a lead is PATCHable.
    createOnly: ['companyId'],
    create: (dto, id) => leads.create(dto, { id }),
    get: (id) => leads.get(id),
    update: (id, dto, expectedVersion) => leads.update(id, dto, expectedVersion),
    remove: async (id, expectedVersion) => {
      await leads.remove(id, expectedVersion);
      return null;
    },
    findMatching: (field, value) => leads.findMatching(field, value),
    isExternalIdTaken: (e) => e instanceof LeadError && e.code === LeadErrorCode.EXTERNAL_ID_TAKEN,
  };
}

/** Create/update/upsert/delete of one lead (lead import rows). */
@Injectable()
export class LeadOperations extends RecordOperations<LeadResponse, CreateLeadDto, UpdateLeadDto> {
  constructor(leads: LeadService, lock: RecordLock) {
    super(leadPort(leads), lock);
  }
}
