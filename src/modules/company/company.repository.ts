import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { InjectTenantModel, TenantModel, VersionedRepository } from '@app/tenancy';
import { Company, CompanyLean } from './schemas/company.schema';

/** The only code that touches the tenant's `companies` collection. Returns plain objects. */
@Injectable()
export class CompanyRepository extends VersionedRepository<CompanyLean> {
  constructor(@InjectTenantModel(Company.name) companies: TenantModel<CompanyLean>) {
    super(companies);
  }

  /** At most `limit` companies by name; only `ids` when given. */
  list(ids: readonly string[] | undefined, limit: number): Promise<CompanyLean[]> {
    const filter = ids ? { _id: { $in: ids.filter((id) => Types.ObjectId.isValid(id)) } } : {};
    return this.model.current().find(filter).sort({ nameKey: 1 }).limit(limit).lean<CompanyLean[]>().exec();
  }
}
