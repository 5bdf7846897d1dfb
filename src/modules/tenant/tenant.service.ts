import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { isDuplicateKeyError } from '@app/common';
import {
  RESERVED_DATABASES,
  TenantConnectionRegistry,
  TenantContext,
  TenantDirectory,
  TenantMigrations,
  TenantRecord,
  TenantRunner,
  TenantStatus,
  systemPrincipal,
} from '@app/tenancy';
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
    private readonly migrations: TenantMigrations,
    private readonly runner: TenantRunner,
  ) {}

  async create(dto: CreateTenantDto, actor = this.context.actor): Promise<TenantRecord> {
    if (await this.directory.get(dto.slug)) {
      throw new TenantError(TenantErrorCode.EXISTS, `Tenant ${dto.slug} already exists.`);
    }
    const dbName = this.directory.dbNameFor(dto.slug);
    await this.assertDatabaseFree(dto.slug, dbName);
    await this.afterRemovalSecond(dto.slug);
    const now = new Date();
    const record: TenantRecord = {
      _id: dto.slug,
      name: dto.name,
      dbName,
      status: TenantStatus.ACTIVE,
      uid: randomUUID(),
      // A new database holds no data of an older shape: every data migration counts as done, except
      // the setups, which are marked done once they ran below (else `npm run migrate` finishes them).
      migrations: this.migrations.ids().filter((id) => !this.migrations.setups().some((m) => m.id === id)),
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
        // The slug, or (on a race) the database name, was taken meanwhile.
        throw new TenantError(TenantErrorCode.EXISTS, `Tenant ${dto.slug} already exists.`);
      }
      throw e;
    }
    await this.runSetups(record);
    this.logger.log({ tenant: record._id }, 'tenant provisioned');
    return record;
  }

  /** Creates the tenant, or re-provisions its indexes if it already exists. */
  async ensure(dto: CreateTenantDto, actor: string): Promise<TenantRecord> {
    const existing = await this.directory.get(dto.slug);
    if (!existing) return this.create(dto, actor);
    await this.connections.provision(existing.dbName);
    if (!existing.uid) existing.uid = (await this.directory.ensureUid(existing._id)) ?? undefined;
    return existing;
  }

  /** The per-tenant setups (defaults), the same code `npm run migrate` runs for older tenants. */
  private async runSetups(record: TenantRecord): Promise<void> {
    for (const m of this.migrations.setups()) {
      await this.runner.runInTenant(record._id, () => m.run(), systemPrincipal(record._id, 'provisioning'));
      await this.directory.markMigrationApplied(record._id, m.id);
      record.migrations = [...(record.migrations ?? []), m.id];
    }
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

  /**
   * A tenant's database must be its own: not the registry, not one of MongoDB's, not another
   * tenant's (possible when TENANT_DB_PREFIX changed after that one was created). Compared without
   * case, as MongoDB refuses names that differ only in case.
   */
  private async assertDatabaseFree(slug: string, dbName: string): Promise<void> {
    const lower = dbName.toLowerCase();
    const taken =
      lower === this.directory.registryDatabase.toLowerCase()
        ? 'the tenant registry'
        : RESERVED_DATABASES.includes(lower)
          ? 'a MongoDB system database'
          : await this.directory.findByDbName(dbName).then((t) => (t ? `tenant ${t._id}` : null));
    if (taken) {
      throw new TenantError(
        TenantErrorCode.DATABASE_TAKEN,
        `Tenant ${slug} would use database ${dbName}, which belongs to ${taken}; choose another slug.`,
      );
    }
  }

  /**
   * Tokens are refused when issued before their tenant was created (`iat`, whole seconds). A slug
   * created again within the second its predecessor was removed would let that second's tokens of
   * the old tenant in, so creation waits for the next second.
   */
  private async afterRemovalSecond(slug: string): Promise<void> {
    const removedAt = await this.directory.removedAt(slug);
    if (!removedAt) return;
    const nextSecond = (Math.floor(removedAt.getTime() / 1000) + 1) * 1000;
    // Checked again after each wait: a timer can fire a millisecond before Date.now() reaches its
    // target, which left the new tenant created in the removal's own second.
    while (Date.now() < nextSecond) {
      await new Promise((resolve) => setTimeout(resolve, nextSecond - Date.now()));
    }
  }
}
