import { Inject, Injectable } from '@nestjs/common';
import { Model, Schema } from 'mongoose';
import type { Settings } from '@app/common';
import { TenantConnectionRegistry } from './tenant-connection.registry';
import { tenancySettings } from './tenancy.settings';

interface TenantSetMember {
  /** `<set>/<slug>`. */
  _id: string;
  set: string;
  slug: string;
  since: Date;
}

const TenantSetMemberSchema = new Schema<TenantSetMember>(
  {
    _id: { type: String, required: true },
    set: { type: String, required: true },
    slug: { type: String, required: true },
    since: { type: Date, required: true },
  },
  { collection: 'tenant_sets', versionKey: false, autoIndex: false, strict: 'throw' },
);
TenantSetMemberSchema.index({ set: 1 });

/**
 * Named sets of tenants in the registry (control database), for background work that concerns few
 * tenants: webhook delivery polls only the tenants that have endpoints, one registry read per round,
 * instead of every tenant database. Membership is a hint kept by the module that owns the work (and
 * re-asserted by its maintenance task); a member whose tenant is gone is removed by whoever finds out.
 */
@Injectable()
export class TenantSets {
  private indexed = false;

  constructor(
    private readonly connections: TenantConnectionRegistry,
    @Inject(tenancySettings.KEY) private readonly settings: Settings<typeof tenancySettings>,
  ) {}

  async add(set: string, slug: string): Promise<void> {
    const model = await this.model();
    await model
      .updateOne({ _id: `${set}/${slug}` }, { $setOnInsert: { set, slug, since: new Date() } }, { upsert: true })
      .exec();
  }

  async remove(set: string, slug: string): Promise<void> {
    const model = await this.model();
    await model.deleteOne({ _id: `${set}/${slug}` }).exec();
  }

  async members(set: string): Promise<string[]> {
    const model = await this.model();
    const rows = await model.find({ set }, { slug: 1 }).sort({ _id: 1 }).lean<Pick<TenantSetMember, 'slug'>[]>().exec();
    return rows.map((r) => r.slug);
  }

  private async model(): Promise<Model<TenantSetMember>> {
    const db = this.connections.database(this.settings.MONGODB_REGISTRY_DB);
    const model =
      (db.models.TenantSetMember as Model<TenantSetMember> | undefined) ??
      (db.model('TenantSetMember', TenantSetMemberSchema) as unknown as Model<TenantSetMember>);
    if (!this.indexed) {
      await model.createIndexes();
      this.indexed = true;
    }
    return model;
  }
}
