import { Injectable } from '@nestjs/common';
import { Types, type UpdateQuery } from 'mongoose';
import {
  InjectTenantModel,
  type NewRecord,
  type Stamped,
  TenantConnectionRegistry,
  TenantModel,
  type VersionedStore,
} from '@app/tenancy';
import { API_KEY_MODEL, type ApiKeyRecord } from './api-key.schema';

/** The only code that touches the tenants' `api_keys` collections. Returns plain objects. */
@Injectable()
export class ApiKeyRepository implements VersionedStore<ApiKeyRecord> {
  constructor(
    @InjectTenantModel(API_KEY_MODEL) private readonly keys: TenantModel<ApiKeyRecord>,
    private readonly connections: TenantConnectionRegistry,
  ) {}

  async findById(id: string): Promise<ApiKeyRecord | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    return this.keys.current().findOne({ _id: id }).lean<ApiKeyRecord>().exec();
  }

  /** Keys of the current tenant in id order, after `afterId`; `companies` limits them to keys inside those. */
  list(afterId: string | undefined, limit: number): Promise<ApiKeyRecord[]> {
    const filter = afterId ? { _id: { $gt: new Types.ObjectId(afterId) } } : {};
    return this.keys.current().find(filter).sort({ _id: 1 }).limit(limit).lean<ApiKeyRecord[]>().exec();
  }

  count(): Promise<number> {
    return this.keys.current().countDocuments().exec();
  }

  async insert(doc: NewRecord<ApiKeyRecord> & Stamped): Promise<ApiKeyRecord> {
    const created = await this.keys.current().create(doc as ApiKeyRecord);
    return created.toObject<ApiKeyRecord>();
  }

  updateIfVersion(id: string, version: number, update: UpdateQuery<ApiKeyRecord>): Promise<ApiKeyRecord | null> {
    return this.keys
      .current()
      .findOneAndUpdate({ _id: id, version }, update, { returnDocument: 'after' })
      .lean<ApiKeyRecord>()
      .exec();
  }

  async deleteIfVersion(id: string, version: number): Promise<boolean> {
    const res = await this.keys.current().deleteOne({ _id: id, version }).exec();
    return res.deletedCount === 1;
  }

  /** Authentication runs before any tenant context exists: the database is named explicitly. */
  findByHash(dbName: string, hash: string): Promise<ApiKeyRecord | null> {
    return this.connections.model<ApiKeyRecord>(dbName, API_KEY_MODEL).findOne({ hash }).lean<ApiKeyRecord>().exec();
  }
}
