import { Injectable } from '@nestjs/common';
import { InjectTenantModel, TenantModel, VersionedRepository } from '@app/tenancy';
import { LeadStatus } from './lead.enums';
import { Lead, LeadLean } from './schemas/lead.schema';

/** The only code that touches the tenant's `leads` collection. Returns plain objects. */
@Injectable()
export class LeadRepository extends VersionedRepository<LeadLean> {
  constructor(@InjectTenantModel(Lead.name) leads: TenantModel<LeadLean>) {
    super(leads, ['searchTokens']);
  }

  find(filter: Record<string, unknown>, sort: Record<string, 1 | -1>, limit: number): Promise<LeadLean[]> {
    return this.model.current().find(filter, this.visibleFields).sort(sort).limit(limit).lean<LeadLean[]>().exec();
  }

  /** Whether the company still has a live lead that is not converted yet. */
  async openInCompany(companyId: string): Promise<boolean> {
    const row = await this.model
      .current()
      .findOne({ companyId, deletedAt: null, status: { $ne: LeadStatus.CONVERTED } }, { _id: 1 })
      .lean()
      .exec();
    return row !== null;
  }

  /** Unconditional hard delete (isolation probe clean-up). */
  async remove(id: string): Promise<void> {
    await this.model.current().deleteOne({ _id: id }).exec();
  }
}
