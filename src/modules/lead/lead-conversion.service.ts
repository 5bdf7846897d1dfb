import { Injectable } from '@nestjs/common';
import { Failpoints, RecordLock, TenantContext } from '@app/tenancy';
import { contactCopy } from '../../domain/contacts';
import {
  type CreateCustomerDto,
  type CustomerResponse,
  CustomerService,
  CustomerSource,
  CustomerStatus,
} from '../customer';
import type { ConvertLeadDto } from './dto/convert-lead.dto';
import type { ConversionPreviewResponse, ConversionResponse, DuplicateCandidate } from './dto/conversion.response';
import type { LeadResponse } from './dto/lead.response';
import { LeadConversionSteps } from './lead-conversion-steps';
import { LeadEventName } from './events/lead.events';
import { LeadError, LeadErrorCode } from './lead.errors';
import { toLeadResponse } from './lead.mapper';
import { LEAD_ENTITY, LeadService } from './lead.service';
import { LeadConversionFailpoint, LeadStatus } from './lead.enums';
import { LeadOpportunity } from './lead-opportunity';
import type { LeadLean } from './schemas/lead.schema';

/**
 * Lead → customer, safe without transactions. The customer is created through CustomerService
 * (the Customer module's internal API, never its collection) with the lead's id as its own id,
 * so however many conversions of one lead run, concurrently or after a crash, at most one
 * customer can exist: the first insert wins and every other attempt gets that same customer.
 * The lead is then marked converted with a conditional update that only one attempt can win
 * (the record lock makes that hold on FerretDB too).
 * With `createOpportunity` the deal is created the same way (OpportunityService, the lead's id as
 * its id) between the two, and then every registered conversion step runs (activities follow the lead to
 * the customer). A crash between any two writes leaves an unconverted lead; the next attempt finds what
 * exists, runs the steps again (each finishes what it had started) and finishes the job.
 */
@Injectable()
export class LeadConversionService {
  constructor(
    private readonly leads: LeadService,
    private readonly customers: CustomerService,
    private readonly context: TenantContext,
    private readonly lock: RecordLock,
    private readonly steps: LeadConversionSteps,
    private readonly deal: LeadOpportunity,
    private readonly failpoints: Failpoints,
  ) {}

  /** One conversion of a lead at a time (see RecordLock: FerretDB has no atomic conditional update). */
  convert(id: string, dto: ConvertLeadDto): Promise<ConversionResponse> {
    return this.lock.run(`${LEAD_ENTITY}:${id}`, () => this.convertLocked(id, dto));
  }

  private async convertLocked(id: string, dto: ConvertLeadDto): Promise<ConversionResponse> {
    const lead = await this.leads.load(id);
    assertConvertible(lead);
    const customer = await this.customers.create(this.customerInput(lead, dto), { leadId: lead._id.toHexString() });
    this.failpoints.check(LeadConversionFailpoint.AFTER_CUSTOMER);
    const opportunity = dto.createOpportunity ? await this.deal.create(lead, customer, dto.createOpportunity) : null;
    this.failpoints.check(LeadConversionFailpoint.AFTER_OPPORTUNITY);
    // Other modules' part of the conversion (idempotent: a retry after a crash finishes it).
    await this.steps.run({ leadId: id, customerId: customer.id, companyId: lead.companyId });
    const converted = await this.markConverted(lead, customer);
    return { customer, lead: converted, opportunity };
  }

  /** What convert would create, and customers of the company that look like the same one. */
  async preview(id: string, dto: ConvertLeadDto): Promise<ConversionPreviewResponse> {
    const lead = await this.leads.load(id);
    assertConvertible(lead);
    const input = this.customerInput(lead, dto);
    const duplicates = await this.duplicatesOf(input);
    return {
      dryRun: true,
      customer: { ...input, source: CustomerSource.LEAD_CONVERSION, leadId: id },
      duplicates,
      lead: toLeadResponse(lead),
    };
  }

  /**
   * Customers of the company with the same email or the same normalised name, found through
   * the Customer module's own (index-backed) search rather than its collection.
   */
  private async duplicatesOf(input: CreateCustomerDto): Promise<DuplicateCandidate[]> {
    const name = normalisedName(input.name);
    const searches = [input.name, input.email].filter((q): q is string => typeof q === 'string' && q.length > 0);
    const pages = await Promise.all(
      searches.map((q) => this.customers.list({ companyId: input.companyId, q, limit: DUPLICATE_SCAN })),
    );
    const byId = new Map<string, DuplicateCandidate>();
    for (const c of pages.flatMap((p) => p.data)) {
      const matchedOn: DuplicateCandidate['matchedOn'] = [];
      if (input.email && c.email === input.email) matchedOn.push('email');
      if (normalisedName(c.name) === name) matchedOn.push('name');
      if (matchedOn.length) byId.set(c.id, { id: c.id, name: c.name, email: c.email, matchedOn });
    }
    return [...byId.values()];
  }

  /** Marks the lead converted (the record lock is held by the conversion, so no second attempt can win). */
  markConverted(lead: LeadLean, customer: CustomerResponse): Promise<LeadResponse> {
    return this.leads.records.mutate(lead._id.toHexString(), LeadEventName.CONVERTED, (current, at) => {
      assertConvertible(current);
      return {
        set: {
          status: LeadStatus.CONVERTED,
          customerId: customer.id,
          convertedAt: at,
          convertedBy: this.context.actor,
        },
        changes: {
          status: { from: current.status, to: LeadStatus.CONVERTED },
          customerId: { from: null, to: customer.id },
        },
      };
    });
  }

  private customerInput(lead: LeadLean, dto: ConvertLeadDto): CreateCustomerDto {
    return {
      companyId: lead.companyId,
      name: dto.name ?? lead.companyName ?? lead.name,
      email: lead.email,
      phone: lead.phone,
      website: dto.website ?? lead.website,
      industry: dto.industry ?? null,
      size: dto.size ?? null,
      notes: dto.notes ?? lead.notes,
      tags: lead.tags,
      status: dto.status ?? CustomerStatus.ACTIVE,
      assignedTo: dto.assignedTo === undefined ? lead.assignedTo : dto.assignedTo,
      contacts: lead.contacts.map(contactCopy),
    };
  }
}

const DUPLICATE_SCAN = 100;

function normalisedName(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, ' ');
}

function assertConvertible(lead: LeadLean): void {
  if (lead.status === LeadStatus.CONVERTED) {
    throw new LeadError(
      LeadErrorCode.ALREADY_CONVERTED,
      `Lead was already converted into customer ${lead.customerId}.`,
      {
        customerId: lead.customerId,
      },
    );
  }
}
