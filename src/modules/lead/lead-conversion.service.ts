import { Injectable } from '@nestjs/common';
import { InjectTenantModel, RecordLock, TenantContext, TenantModel } from '@app/tenancy';
import { CustomerSource, CustomerStatus } from '../customer/customer.enums';
import { CustomerService } from '../customer/customer.service';
import type { CreateCustomerDto } from '../customer/dto/create-customer.dto';
import type { CustomerResponse } from '../customer/dto/customer.response';
import type { ConvertLeadDto } from './dto/convert-lead.dto';
import type { ConversionPreviewResponse, ConversionResponse, DuplicateCandidate } from './dto/conversion.response';
import { LeadEventName } from './events/lead.events';
import { LeadError, LeadErrorCode } from './lead.errors';
import { toLeadResponse } from './lead.mapper';
import { LeadService } from './lead.service';
import { Lead, LeadLean, LeadStatus } from './schemas/lead.schema';

/**
 * Lead → customer, safe without transactions. The customer is created through CustomerService
 * (the Customer module's internal API, never its collection) with the lead's id as its own id,
 * so however many conversions of one lead run, concurrently or after a crash, at most one
 * customer can exist: the first insert wins and every other attempt gets that same customer.
 * The lead is then marked converted with a conditional update that only one attempt can win
 * (the record lock makes that hold on FerretDB too).
 * A crash between the two writes leaves a customer and an unconverted lead; the next attempt
 * finds the customer and finishes the job.
 */
@Injectable()
export class LeadConversionService {
  constructor(
    @InjectTenantModel(Lead.name) private readonly leadModel: TenantModel<Lead>,
    private readonly leads: LeadService,
    private readonly customers: CustomerService,
    private readonly context: TenantContext,
    private readonly lock: RecordLock,
  ) {}

  /** One conversion of a lead at a time (see RecordLock: FerretDB has no atomic conditional update). */
  convert(id: string, dto: ConvertLeadDto): Promise<ConversionResponse> {
    return this.lock.run(`lead:${id}`, () => this.convertLocked(id, dto));
  }

  private async convertLocked(id: string, dto: ConvertLeadDto): Promise<ConversionResponse> {
    const lead = await this.leads.load(id);
    assertConvertible(lead);
    const customer = await this.customers.create(this.customerInput(lead, dto), { leadId: lead._id.toHexString() });
    const converted = await this.markConverted(lead, customer);
    const response = toLeadResponse(converted);
    await this.leads.afterWrite(
      LeadEventName.CONVERTED,
      response,
      {
        status: { from: lead.status, to: LeadStatus.CONVERTED },
        customerId: { from: null, to: customer.id },
      },
      customer.id,
    );
    return { customer, lead: response };
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

  /** Marks the lead converted; exactly one concurrent attempt wins, the others learn it is done. */
  async markConverted(lead: LeadLean, customer: CustomerResponse): Promise<LeadLean> {
    const actor = this.context.actor;
    const updated = await this.leadModel
      .current()
      .findOneAndUpdate(
        { _id: lead._id, deletedAt: null, status: { $ne: LeadStatus.CONVERTED } },
        {
          $set: {
            status: LeadStatus.CONVERTED,
            customerId: customer.id,
            convertedAt: new Date(),
            convertedBy: actor,
            updatedBy: actor,
          },
          $inc: { version: 1 },
        },
        { returnDocument: 'after' },
      )
      .lean<LeadLean>();
    if (updated) return updated;
    assertConvertible(await this.leads.load(lead._id.toHexString()));
    throw new LeadError(LeadErrorCode.NOT_FOUND, `Lead ${lead._id.toHexString()} was not found.`);
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
      contacts: lead.contacts.map((c) => ({
        name: c.name,
        email: c.email,
        phone: c.phone,
        title: c.title,
        isPrimary: c.isPrimary,
      })),
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
