import { Injectable } from '@nestjs/common';
import { Types, type UpdateQuery } from 'mongoose';
import { type Contact, LEGACY_CONTACTS_FILTER, type LegacyContactsStore } from '../../domain/contacts';
import { InjectTenantModel, type NewRecord, type Stamped, TenantModel, type VersionedStore } from '@app/tenancy';
import { LeadStatus } from './lead.enums';
import { Lead, LeadLean } from './schemas/lead.schema';

/** Responses never show the search tokens, and writes recompute them from the fields. */
const WITHOUT_TOKENS = { searchTokens: 0 } as const;

/** The only code that touches the tenant's `leads` collection. Returns plain objects. */
@Injectable()
export class LeadRepository implements VersionedStore<LeadLean>, LegacyContactsStore {
  constructor(@InjectTenantModel(Lead.name) private readonly leads: TenantModel<Lead>) {}

  /** By `_id` alone (the one filter FerretDB's SQLite backend pushes down); callers decide visibility. */
  async findById(id: string): Promise<LeadLean | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    return this.leads.current().findOne({ _id: id }, WITHOUT_TOKENS).lean<LeadLean>().exec();
  }

  async insert(doc: NewRecord<LeadLean> & Stamped): Promise<LeadLean> {
    const created = await this.leads.current().create(doc);
    const { searchTokens: _tokens, ...row } = created.toObject<LeadLean>();
    return row as unknown as LeadLean;
  }

  updateIfVersion(
    id: string,
    version: number,
    update: UpdateQuery<LeadLean>,
    guard: Record<string, unknown> = {},
  ): Promise<LeadLean | null> {
    return this.leads
      .current()
      .findOneAndUpdate({ ...guard, _id: id, version }, update as UpdateQuery<Lead>, {
        // No projection: FerretDB's findAndModify does not implement one.
        returnDocument: 'after',
      })
      .lean<LeadLean>()
      .exec();
  }

  find(filter: Record<string, unknown>, sort: Record<string, 1 | -1>, limit: number): Promise<LeadLean[]> {
    return this.leads.current().find(filter, WITHOUT_TOKENS).sort(sort).limit(limit).lean<LeadLean[]>().exec();
  }

  /** Live leads of the company that are not converted yet, counted up to `limit`. */
  countOpenInCompany(companyId: string, limit: number): Promise<number> {
    return this.leads
      .current()
      .countDocuments({ companyId, deletedAt: null, status: { $ne: LeadStatus.CONVERTED } }, { limit })
      .exec();
  }

  /** See LegacyContactsStore (the contact-names migration). */
  async idsWithLegacyContacts(after: string | null, limit: number): Promise<string[]> {
    const rows = await this.leads
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
    const res = await this.leads.current().updateOne({ _id: id, version }, { $set: { contacts } }).exec();
    return res.matchedCount === 1;
  }

  /** Unconditional hard delete (isolation probe clean-up). */
  async remove(id: string): Promise<void> {
    await this.leads.current().deleteOne({ _id: id }).exec();
  }
}
