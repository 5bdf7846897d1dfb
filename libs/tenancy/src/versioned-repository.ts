import { Types, type UpdateQuery } from 'mongoose';
import type { TenantModel } from './tenant-model';
import type { NewRecord, Stamped, VersionedStore } from './versioned-writer';

/**
 * What every repository of a versioned record does the same way: point reads by bare `_id` (the one
 * filter FerretDB's SQLite backend pushes down; callers decide visibility on the row), inserts, and
 * writes conditional on the version read. `hidden` fields (search tokens) never leave the repository.
 */
export abstract class VersionedRepository<D extends Stamped & { _id: Types.ObjectId }> implements VersionedStore<D> {
  protected constructor(
    protected readonly model: TenantModel<D>,
    private readonly hidden: readonly string[] = [],
  ) {}

  /** The projection that leaves the hidden fields out. */
  protected get visibleFields(): Record<string, 0> | undefined {
    return this.hidden.length ? Object.fromEntries(this.hidden.map((f) => [f, 0 as const])) : undefined;
  }

  async findById(id: string): Promise<D | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    return this.model.current().findOne({ _id: id }, this.visibleFields).lean<D>().exec();
  }

  async insert(doc: NewRecord<D> & Stamped): Promise<D> {
    const Model = this.model.current();
    const created = await new Model(doc).save();
    return this.withoutHidden(created.toObject<D>());
  }

  async updateIfVersion(
    id: string,
    version: number,
    update: UpdateQuery<D>,
    guard: Record<string, unknown> = {},
  ): Promise<D | null> {
    // No projection: FerretDB's findAndModify does not implement one.
    const row = await this.model
      .current()
      .findOneAndUpdate({ ...guard, _id: id, version }, update, { returnDocument: 'after' })
      .lean<D>()
      .exec();
    return row && this.withoutHidden(row);
  }

  async deleteIfVersion(id: string, version: number): Promise<boolean> {
    const res = await this.model.current().deleteOne({ _id: id, version }).exec();
    return res.deletedCount === 1;
  }

  private withoutHidden(row: D): D {
    if (!this.hidden.length) return row;
    const copy = { ...row } as Record<string, unknown>;
    for (const f of this.hidden) delete copy[f];
    return copy as D;
  }
}
