import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { canSeeCompany } from '@app/common';
import { InjectTenantModel, TenantContext, TenantModel } from '@app/tenancy';
import { CompanyResponse, CreateCompanyDto, UpdateCompanyDto } from './dto/company.dto';
import { Company, CompanyLean } from './schemas/company.schema';
import { TenantError, TenantErrorCode } from './tenant.errors';

/** Answers whether a company may be deleted; a string is the reason it may not. */
export type CompanyDeletionCheck = (companyId: string) => Promise<string | null>;

/**
 * Companies of the current tenant. Other modules call `assertVisible` before they file anything
 * under a company, so a company id from another tenant, or outside the principal's `companies`
 * claim, is "not found" everywhere.
 */
@Injectable()
export class CompanyService {
  private readonly deletionChecks: CompanyDeletionCheck[] = [];

  constructor(
    @InjectTenantModel(Company.name) private readonly companies: TenantModel<Company>,
    private readonly context: TenantContext,
  ) {}

  /** Lets a module that files data under companies veto deleting one that is still in use. */
  registerDeletionCheck(check: CompanyDeletionCheck): void {
    this.deletionChecks.push(check);
  }

  async create(dto: CreateCompanyDto): Promise<CompanyResponse> {
    const actor = this.context.actor;
    try {
      const created = await this.companies.current().create({
        name: dto.name,
        nameKey: nameKey(dto.name),
        description: dto.description ?? null,
        createdBy: actor,
        updatedBy: actor,
        version: 1,
      });
      return toCompanyResponse(created.toObject<CompanyLean>());
    } catch (e) {
      throw duplicateOr(e, dto.name);
    }
  }

  async list(): Promise<CompanyResponse[]> {
    const { companies } = this.context.principal;
    const filter = companies ? { _id: { $in: companies.filter(Types.ObjectId.isValid) } } : {};
    const rows = await this.companies.current().find(filter).sort({ nameKey: 1 }).limit(1000).lean<CompanyLean[]>();
    return rows.map(toCompanyResponse);
  }

  async get(id: string): Promise<CompanyResponse> {
    return toCompanyResponse(await this.load(id));
  }

  /** Throws company.not_found unless the company exists in this tenant and the principal may see it. */
  async assertVisible(id: string): Promise<void> {
    await this.load(id);
  }

  async update(id: string, dto: UpdateCompanyDto): Promise<CompanyResponse> {
    await this.load(id);
    const set: Partial<Company> = { updatedBy: this.context.actor };
    if (dto.name !== undefined) Object.assign(set, { name: dto.name, nameKey: nameKey(dto.name) });
    if (dto.description !== undefined) set.description = dto.description;
    try {
      const updated = await this.companies
        .current()
        .findOneAndUpdate({ _id: id }, { $set: set, $inc: { version: 1 } }, { returnDocument: 'after' })
        .lean<CompanyLean>();
      if (!updated) throw notFound(id);
      return toCompanyResponse(updated);
    } catch (e) {
      throw duplicateOr(e, dto.name ?? '');
    }
  }

  async remove(id: string): Promise<void> {
    await this.load(id);
    for (const check of this.deletionChecks) {
      const reason = await check(id);
      if (reason) throw new TenantError(TenantErrorCode.COMPANY_IN_USE, reason);
    }
    await this.companies.current().deleteOne({ _id: id });
  }

  private async load(id: string): Promise<CompanyLean> {
    if (!Types.ObjectId.isValid(id) || !canSeeCompany(this.context.principal, id)) throw notFound(id);
    const row = await this.companies.current().findById(id).lean<CompanyLean>();
    if (!row) throw notFound(id);
    return row;
  }
}

function nameKey(name: string): string {
  return name.trim().toLowerCase();
}

function notFound(id: string): TenantError {
  return new TenantError(TenantErrorCode.COMPANY_NOT_FOUND, `Company ${id} was not found.`);
}

function duplicateOr(e: unknown, name: string): unknown {
  if ((e as { code?: number }).code === 11000) {
    return new TenantError(TenantErrorCode.COMPANY_EXISTS, `A company named "${name}" already exists.`);
  }
  return e;
}

export function toCompanyResponse(c: CompanyLean): CompanyResponse {
  return {
    id: c._id.toHexString(),
    name: c.name,
    description: c.description ?? null,
    createdBy: c.createdBy,
    updatedBy: c.updatedBy,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    version: c.version,
  };
}
