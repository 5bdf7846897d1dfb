import { fillExternalKeys } from '../../domain/external-id';
import { Injectable } from '@nestjs/common';
import { type mongo, Types } from 'mongoose';
import { type Contact, LEGACY_CONTACTS_FILTER, type LegacyContactsStore } from '../../domain/contacts';
import { InjectTenantModel, TenantModel, VersionedRepository } from '@app/tenancy';
import { LeadStatus } from './lead.enums';
import { Lead, LeadLean } from './schemas/lead.schema';

/** The only code that touches the tenant's `leads` collection. Returns plain objects. */
@Injectable()
export class LeadRepository extends VersionedRepository<LeadLean> implements LegacyContactsStore {
  constructor(@InjectTenantModel(Lead.name) leads: TenantModel<LeadLean>) {
    super(leads, ['searchTokens']);
  }

  find(filter: Record<string, unknown>, sort: Record<string, 1 | -1>, limit: number): Promise<LeadLean[]> {
    return this.model.current().find(filter, this.visibleFields).sort(sort).limit(limit).lean<LeadLean[]>().exec();
  }

  /** Live leads of the company that are not converted yet, counted up to `limit`. */
  countOpenInCompany(companyId: string, limit: number): Promise<number> {
    return this.model
      .current()
      .countDocuments({ companyId, deletedAt: null, status: { $ne: LeadStatus.CONVERTED } }, { limit })
      .exec();
  }

  /** See LegacyContactsStore (the contact-names migration). */
  async idsWithLegacyContacts(after: string | null, limit: number): Promise<string[]> {
    const rows = await this.model
      .current()
      .find({ ...LEGACY_CONTACTS_FILTER, ...(after ? { _id: { $gt: new Types.ObjectId(after) } } : {}) }, { _id: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<Array<{ _id: Types.ObjectId }>>()
      .exec();
    return rows.map((r) => r._id.toHexString());
  }

  /** See LegacyContactsStore: contacts only, at `version`, without a new version. */
  async replaceContacts(id: string, version: number, contacts: Contact[]): Promise<boolean> {
    const res = await this.model.current().updateOne({ _id: id, version }, { $set: { contacts } }).exec();
    return res.matchedCount === 1;
  }

  /** Unconditional hard delete (isolation probe clean-up). */
  async remove(id: string): Promise<void> {
    await this.model.current().deleteOne({ _id: id }).exec();
  }

  /** See fillExternalKeys (the external-keys migration). */
  fillExternalKeys(): Promise<number> {
    return fillExternalKeys(this.model.current().collection as unknown as mongo.Collection);
  }
}
