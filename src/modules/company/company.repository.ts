import { Injectable } from '@nestjs/common';
import { Types, type UpdateQuery } from 'mongoose';
import { InjectTenantModel, type NewRecord, type Stamped, TenantModel, type VersionedStore } from '@app/tenancy';
import { Company, CompanyLean } from './schemas/company.schema';

/** The only code that touches the tenant's `companies` collection. Returns plain objects. */
@Injectable()
export class CompanyRepository implements VersionedStore<CompanyLean> {
  constructor(@InjectTenantModel(Company.name) private readonly companies: TenantModel<Company>) {}

  async findById(id: string): Promise<CompanyLean | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    return this.companies.current().findById(id).lean<CompanyLean>().exec();
  }

  /** At most `limit` companies by name; only `ids` when given. */
  list(ids: readonly string[] | undefined, limit: number): Promise<CompanyLean[]> {
    const filter = ids ? { _id: { $in: ids.filter((id) => Types.ObjectId.isValid(id)) } } : {};
    return this.companies.current().find(filter).sort({ nameKey: 1 }).limit(limit).lean<CompanyLean[]>().exec();
  }

  async insert(doc: NewRecord<CompanyLean> & Stamped): Promise<CompanyLean> {
    const created = await this.companies.current().create(doc);
    return created.toObject<CompanyLean>();
  }

  updateIfVersion(id: string, version: number, update: UpdateQuery<CompanyLean>): Promise<CompanyLean | null> {
    return this.companies
      .current()
      .findOneAndUpdate({ _id: id, version }, update as UpdateQuery<Company>, { returnDocument: 'after' })
      .lean<CompanyLean>()
      .exec();
  }

  async deleteIfVersion(id: string, version: number): Promise<boolean> {
    const res = await this.companies.current().deleteOne({ _id: id, version }).exec();
    return res.deletedCount === 1;
  }
}
