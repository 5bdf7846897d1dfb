import { Injectable } from '@nestjs/common';
import { canSeeCompany, staleVersion } from '@app/common';
import { PublishesEvents, PurgeHooks, RecordWriter, TenantContext, VersionedWriter } from '@app/tenancy';
import { CompanyDeletionChecks } from './company-deletion';
import { CompanyError, CompanyErrorCode, companyNotFound } from './company.errors';
import { toCompanyResponse } from './company.mapper';
import { CompanyRepository } from './company.repository';
import type { CompanyResponse, CreateCompanyDto, UpdateCompanyDto } from './dto/company.dto';
import { CompanyDomainEvent, CompanyEventName } from './events/company.events';
import type { Company, CompanyLean } from './schemas/company.schema';

const MAX_COMPANIES_LISTED = 1000;
export const COMPANY_ENTITY = 'company';

/**
 * Companies of the current tenant. Other modules call `assertVisible` before they file anything
 * under a company, so a company id from another tenant, or outside the principal's `companies`
 * claim, is "not found" everywhere.
 */
@PublishesEvents(Object.values(CompanyEventName))
@Injectable()
export class CompanyService {
  private readonly records: RecordWriter<CompanyLean, CompanyResponse>;

  constructor(
    private readonly repo: CompanyRepository,
    private readonly deletionChecks: CompanyDeletionChecks,
    private readonly context: TenantContext,
    private readonly purgeHooks: PurgeHooks,
    writer: VersionedWriter,
  ) {
    this.records = writer.for({
      entityType: COMPANY_ENTITY,
      store: repo,
      toResponse: toCompanyResponse,
      companyOf: (c) => c.id,
      visible: (c) => canSeeCompany(this.context.principal, c._id.toHexString()),
      notFound: companyNotFound,
      stale: (expected, actual) => staleVersion('company', expected, actual),
      busy: () => new CompanyError(CompanyErrorCode.WRITE_CONFLICT, 'The company is changing too fast; retry.'),
      notAudited: ['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy'],
      duplicate: () =>
        new CompanyError(CompanyErrorCode.EXISTS, 'A company with this name already exists in the tenant.'),
      event: (w) =>
        new CompanyDomainEvent(w.name as CompanyEventName, w.tenantId, w.actor, w.at, w.after, w.changes, w.requestId),
    });
  }

  create(dto: CreateCompanyDto): Promise<CompanyResponse> {
    return this.records.create(
      { name: dto.name, nameKey: nameKey(dto.name), description: dto.description ?? null },
      CompanyEventName.CREATED,
    );
  }

  async list(): Promise<CompanyResponse[]> {
    const rows = await this.repo.list(this.context.principal.companies, MAX_COMPANIES_LISTED);
    return rows.map(toCompanyResponse);
  }

  async get(id: string): Promise<CompanyResponse> {
    return toCompanyResponse(await this.records.load(id));
  }

  /** Throws company.not_found unless the company exists in this tenant and the principal may see it. */
  async assertVisible(id: string): Promise<void> {
    await this.records.loadShared(id);
  }

  update(id: string, dto: UpdateCompanyDto): Promise<CompanyResponse> {
    return this.records.mutate(id, CompanyEventName.UPDATED, (c) => {
      const set: Partial<Company> = {};
      if (dto.name !== undefined && dto.name !== c.name)
        Object.assign(set, { name: dto.name, nameKey: nameKey(dto.name) });
      if (dto.description !== undefined && dto.description !== c.description) set.description = dto.description;
      return Object.keys(set).length ? { set } : null;
    });
  }

  /**
   * Deletes a company no module still files data under (else 409 naming what is left), then lets
   * every module erase what it still keeps about it (its realtime stream). `leaveNoTrace` also removes
   * its audit trail: for companies that never were real data (the isolation check's probes).
   */
  async remove(id: string, opts: { leaveNoTrace?: boolean } = {}): Promise<void> {
    await this.records.remove(id, CompanyEventName.DELETED, {
      check: async () => {
        const left = await this.deletionChecks.usages(id);
        if (!left.length) return;
        throw new CompanyError(
          CompanyErrorCode.IN_USE,
          `Company ${id} still has ${left.map((u) => u.label).join(' and ')}; delete or convert them first.`,
          { remaining: Object.fromEntries(left.map((u) => [u.key, u.count])) },
        );
      },
    });
    await this.purgeHooks.run({
      entityType: COMPANY_ENTITY,
      entityId: id,
      companyId: id,
      leaveNoTrace: opts.leaveNoTrace,
    });
  }
}

function nameKey(name: string): string {
  return name.trim().toLowerCase();
}
