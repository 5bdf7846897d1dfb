import { Injectable } from '@nestjs/common';
import { Types, type UpdateQuery } from 'mongoose';
import { InjectTenantModel, type NewRecord, type Stamped, TenantModel, type VersionedStore } from '@app/tenancy';
import { Segment, type SegmentLean } from '../schemas/segment.schema';

/** The only code touching the tenant's `segments` collection. Plain objects out. */
@Injectable()
export class SegmentRepository implements VersionedStore<SegmentLean> {
  constructor(@InjectTenantModel(Segment.name) private readonly segments: TenantModel<Segment>) {}

  async findById(id: string): Promise<SegmentLean | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    return this.segments.current().findOne({ _id: id }).lean<SegmentLean>().exec();
  }

  /** Every segment of the tenant in id order (there are at most MAX_SEGMENTS). */
  all(limit: number): Promise<SegmentLean[]> {
    return this.segments.current().find().sort({ _id: 1 }).limit(limit).lean<SegmentLean[]>().exec();
  }

  count(): Promise<number> {
    return this.segments.current().countDocuments().exec();
  }

  countForCompany(companyId: string): Promise<number> {
    return this.segments.current().countDocuments({ companyId }).exec();
  }

  async insert(doc: NewRecord<SegmentLean> & Stamped): Promise<SegmentLean> {
    const created = await this.segments.current().create(doc as Segment);
    return created.toObject<SegmentLean>();
  }

  updateIfVersion(
    id: string,
    version: number,
    update: UpdateQuery<SegmentLean>,
    guard: Record<string, unknown> = {},
  ): Promise<SegmentLean | null> {
    return this.segments
      .current()
      .findOneAndUpdate({ ...guard, _id: id, version }, update as UpdateQuery<Segment>, { returnDocument: 'after' })
      .lean<SegmentLean>()
      .exec();
  }

  async deleteIfVersion(id: string, version: number): Promise<boolean> {
    const res = await this.segments.current().deleteOne({ _id: id, version }).exec();
    return res.deletedCount === 1;
  }

  async removeForCompany(companyId: string): Promise<number> {
    const res = await this.segments.current().deleteMany({ companyId }).exec();
    return res.deletedCount;
  }
}
