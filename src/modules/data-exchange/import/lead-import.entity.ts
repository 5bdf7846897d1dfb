import { Injectable } from '@nestjs/common';
import type { CreateLeadDto, LeadResponse, UpdateLeadDto } from '../../lead';
import { LeadOperations } from '../batch/lead-operation';
import type { OperatedRecord } from '../batch/record-operations';
import { type ImportColumns, ImportEntityProvider } from './import-entity';
import { pick, RecordImportEntity } from './record-import-entity';

const COLUMNS: ImportColumns = {
  // The fields of POST /leads (companyId is the import's).
  fields: [
    'externalId',
    'name',
    'companyName',
    'status',
    'source',
    'email',
    'phone',
    'website',
    'notes',
    'tags',
    'assignedTo',
    'estimatedValue',
    'contacts',
  ],
  // What GET /leads/:id has beside them: the server computes it (an import skips it).
  computed: new Set([
    'id',
    'companyId',
    'customerId',
    'convertedAt',
    'convertedBy',
    'createdBy',
    'updatedBy',
    'createdAt',
    'updatedAt',
    'version',
  ]),
  lists: new Set(['tags', 'contacts']),
  numbers: new Set(['estimatedValue']),
  address: [],
};

/** The PATCH fields of a lead: what a revert writes back (contacts as their input shape). */
const UNDO_FIELDS = [
  'name',
  'companyName',
  'email',
  'phone',
  'website',
  'source',
  'status',
  'assignedTo',
  'tags',
  'notes',
  'externalId',
  'estimatedValue',
] as const;

/** Leads in an import: written through LeadService (via LeadOperations) only. */
@ImportEntityProvider()
@Injectable()
export class LeadImportEntity extends RecordImportEntity<LeadResponse, CreateLeadDto, UpdateLeadDto> {
  readonly name = 'leads';
  readonly matchFields = ['email', 'website', 'externalId'] as const;
  readonly columns = COLUMNS;

  constructor(operations: LeadOperations) {
    super(operations);
  }

  undoFields(record: OperatedRecord): Record<string, unknown> {
    const lead = record as LeadResponse;
    return {
      ...pick(lead, UNDO_FIELDS),
      contacts: lead.contacts.map((c) => ({
        firstName: c.firstName,
        lastName: c.lastName,
        email: c.email,
        phone: c.phone,
        title: c.title,
        isPrimary: c.isPrimary,
      })),
    };
  }
}
