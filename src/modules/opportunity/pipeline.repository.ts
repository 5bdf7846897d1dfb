import { Injectable } from '@nestjs/common';
import { InjectTenantModel, TenantModel, VersionedRepository } from '@app/tenancy';
import { MAX_PIPELINES } from './opportunity.enums';
import { Pipeline, type PipelineLean } from './schemas/pipeline.schema';

/** The only code touching the tenant's `pipelines` collection. */
@Injectable()
export class PipelineRepository extends VersionedRepository<PipelineLean> {
  constructor(@InjectTenantModel(Pipeline.name) pipelines: TenantModel<PipelineLean>) {
    super(pipelines);
  }

  /** Every pipeline, oldest first (there are at most MAX_PIPELINES). */
  all(): Promise<PipelineLean[]> {
    return this.model
      .current()
      .find({})
      .sort({ createdAt: 1, _id: 1 })
      .limit(MAX_PIPELINES + 1)
      .lean<PipelineLean[]>()
      .exec();
  }

  count(): Promise<number> {
    return this.model.current().countDocuments({}).exec();
  }

  /** Unconditional hard delete (isolation probe clean-up). */
  async remove(id: string): Promise<void> {
    await this.model.current().deleteOne({ _id: id }).exec();
  }
}
