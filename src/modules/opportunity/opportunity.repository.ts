import { Injectable } from '@nestjs/common';
import type { PipelineStage } from 'mongoose';
import { InjectTenantModel, TenantModel, VersionedRepository } from '@app/tenancy';
import { OpportunityStatus } from './opportunity.enums';
import { Opportunity, type OpportunityLean } from './schemas/opportunity.schema';

/** The only code touching the tenant's `opportunities` collection. Plain objects out, search tokens never. */
@Injectable()
export class OpportunityRepository extends VersionedRepository<OpportunityLean> {
  constructor(@InjectTenantModel(Opportunity.name) opportunities: TenantModel<OpportunityLean>) {
    super(opportunities, ['searchTokens']);
  }

  find(filter: Record<string, unknown>, sort: Record<string, 1 | -1>, limit: number): Promise<OpportunityLean[]> {
    return this.model
      .current()
      .find(filter, this.visibleFields)
      .sort(sort)
      .limit(limit)
      .lean<OpportunityLean[]>()
      .exec();
  }

  /** Live deals matching `filter`, counted up to `limit`. */
  count(filter: Record<string, unknown>, limit: number): Promise<number> {
    return this.model
      .current()
      .countDocuments({ ...filter, deletedAt: null }, { limit })
      .exec();
  }

  /** Open deals of a pipeline in the given stages, up to `limit`. */
  openInStages(pipelineId: string, stages: string[], limit: number): Promise<number> {
    if (!stages.length) return Promise.resolve(0);
    return this.count({ pipelineId, stage: { $in: stages }, status: OpportunityStatus.OPEN }, limit);
  }

  /**
   * `{ stage: Σ field }` over the matched deals (`field` null: a count). One accumulator per pipeline:
   * FerretDB 1.24 computes only the first accumulator of a `$group` correctly.
   */
  async sumByStage(match: Record<string, unknown>, field: string | null): Promise<Map<string, number>> {
    const pipeline: PipelineStage[] = [
      { $match: match },
      { $group: { _id: '$stage', n: { $sum: field ? `$${field}` : 1 } } },
    ];
    const rows = await this.model.current().aggregate<{ _id: string; n: number }>(pipeline).exec();
    return new Map(rows.map((r) => [r._id, r.n]));
  }

  /**
   * Σ amountMinor of the live open deals per customer, over the matched deals (`companyId` or
   * `customerId`); customers without open deals are absent.
   */
  async openValueByCustomer(match: { companyId: string } | { customerId: string }): Promise<Map<string, number>> {
    const rows = await this.model
      .current()
      .aggregate<{ _id: string; n: number }>([
        { $match: { ...match, status: OpportunityStatus.OPEN, deletedAt: null } },
        { $group: { _id: '$customerId', n: { $sum: '$amountMinor' } } },
      ])
      .exec();
    return new Map(rows.map((r) => [r._id, r.n]));
  }

  /** Every deal of a customer (timeline), newest first, with the fields it needs. */
  /** The customer's live deals, each with its name and stage history only, from one cursor. */
  stageHistoriesOf(customerId: string): AsyncIterable<Pick<OpportunityLean, '_id' | 'name' | 'stageHistory'>> {
    return this.model
      .current()
      .find({ customerId, deletedAt: null }, { name: 1, stageHistory: 1 })
      .lean<Pick<OpportunityLean, '_id' | 'name' | 'stageHistory'>>()
      .cursor({ batchSize: 500 });
  }

  /** Ids of the deals of these customers, deleted ones too, up to `limit` (a merge). */
  async idsOfCustomers(customerIds: readonly string[], limit: number): Promise<string[]> {
    const rows = await this.model
      .current()
      .find({ customerId: { $in: [...customerIds] } }, { _id: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<Array<{ _id: unknown }>>()
      .exec();
    return rows.map((r) => String(r._id));
  }

  /** Deals of these customers, deleted ones too (a merge's dry run). */
  countOfCustomers(customerIds: readonly string[]): Promise<number> {
    return this.model
      .current()
      .countDocuments({ customerId: { $in: [...customerIds] } })
      .exec();
  }

  /** Ids of every deal of a customer, deleted ones too (purge). */
  async idsOfCustomer(customerId: string): Promise<string[]> {
    const rows = await this.model.current().find({ customerId }, { _id: 1 }).lean<Array<{ _id: unknown }>>().exec();
    return rows.map((r) => String(r._id));
  }

  /** Every deal of a customer, deleted ones too (purge). */
  async removeForCustomer(customerId: string): Promise<number> {
    const res = await this.model.current().deleteMany({ customerId }).exec();
    return res.deletedCount;
  }

  /** Unconditional hard delete (isolation probe clean-up). */
  async remove(id: string): Promise<void> {
    await this.model.current().deleteOne({ _id: id }).exec();
  }
}
