import { Injectable, Logger } from '@nestjs/common';
import { isDuplicateKeyError } from '@app/common';
import { TenantConnectionRegistry, TenantContext, TenantDirectory, TenantRecord, TenantStatus } from '@app/tenancy';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { UpdateTenantDto } from './dto/update-tenant.dto';
import { TenantError, TenantErrorCode } from './tenant.errors';

/** The tenant registry and each tenant's database: provisioning, suspension, deletion. */
@Injectable()
export class TenantService {
  private readonly logger = new Logger(TenantService.name);

  constructor(
    private readonly directory: TenantDirectory,
    private readonly connections: TenantConnectionRegistry,
    private readonly context: TenantContext,
  ) {}

  async create(dto: CreateTenantDto, actor = this.context.actor): Promise<TenantRecord> {
    if (await this.directory.get(dto.slug)) {
      throw new TenantError(TenantErrorCode.EXISTS, `Tenant ${dto.slug} already exists.`);
    }
    const now = new Date();
    const record: TenantRecord = {
      _id: dto.slug,
      name: dto.name,
      dbName: this.directory.dbNameFor(dto.slug),
      status: TenantStatus.ACTIVE,
      createdAt: now,
      createdBy: actor,
      updatedAt: now,
      updatedBy: actor,
    };
    // Database first, registry second: a tenant is never visible before its indexes exist, and a
    // failed provisioning leaves at most an empty database that the next attempt reuses.
    await this.connections.provision(record.dbName);
    try {
      await this.directory.create(record);
    } catch (e) {
      if (isDuplicateKeyError(e)) {
        throw new TenantError(TenantErrorCode.EXISTS, `Tenant ${dto.slug} already exists.`);
      }
      throw e;
    }
    this.logger.log({ tenant: record._id }, 'tenant provisioned');
    return record;
  }

  /** Creates the tenant, or re-provisions its indexes if it already exists. */
  async ensure(dto: CreateTenantDto, actor: string): Promise<TenantRecord> {
    const existing = await this.directory.get(dto.slug);
    if (!existing) return this.create(dto, actor);
    await this.connections.provision(existing.dbName);
    return existing;
  }

  list(): Promise<TenantRecord[]> {
    return this.directory.list();
  }

  async get(slug: string): Promise<TenantRecord> {
    const record = await this.directory.get(slug);
    if (!record) throw new TenantError(TenantErrorCode.NOT_FOUND, `Tenant ${slug} was not found.`);
    return record;
  }

  async update(slug: string, dto: UpdateTenantDto): Promise<TenantRecord> {
    const updated = await this.directory.update(slug, dto, this.context.actor);
    if (!updated) throw new TenantError(TenantErrorCode.NOT_FOUND, `Tenant ${slug} was not found.`);
    return updated;
  }

  /** Drops the tenant's database and registry entry; `confirm` must repeat the slug. */
  async remove(slug: string, confirm: string): Promise<void> {
    if (confirm !== slug) {
      throw new TenantError(TenantErrorCode.CONFIRMATION_MISMATCH, 'Pass ?confirm=<slug> to delete a tenant.');
    }
    const record = await this.get(slug);
    // Suspend first so this instance stops serving it, then drop, then forget it.
    await this.directory.update(slug, { status: TenantStatus.SUSPENDED }, this.context.actor);
    await this.connections.drop(record.dbName);
    await this.directory.remove(slug);
    this.logger.log({ tenant: slug }, 'tenant deleted');
  }
}
