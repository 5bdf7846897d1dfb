import { Injectable } from '@nestjs/common';
import { toMajor } from '../../domain/money';
import { CompanyService } from '../company';
import { TenantContext } from '@app/tenancy';
import type { ForecastQueryDto } from './dto/opportunity.dto';
import type { ForecastResponse } from './dto/opportunity.response';
import { ClosedStage } from './opportunity.enums';
import { OpportunityRepository } from './opportunity.repository';
import { PipelineService } from './pipeline.service';

/**
 * Per open stage: count, amount and probability-weighted amount; won and lost totals and the win
 * rate; over deals whose close date (expected while open, actual once closed) falls in the window.
 * The database only counts and sums per stage ($group with one $sum each: all FerretDB 1.24 computes
 * correctly); weighting by the pipeline's current probabilities happens here, in integer cents, so
 * FerretDB and MongoDB answer the same to the cent.
 */
@Injectable()
export class OpportunityForecastService {
  constructor(
    private readonly repo: OpportunityRepository,
    private readonly pipelines: PipelineService,
    private readonly companies: CompanyService,
    private readonly context: TenantContext,
  ) {}

  async forecast(query: ForecastQueryDto): Promise<ForecastResponse> {
    if (query.companyId) await this.companies.assertVisible(query.companyId);
    const pipeline = await this.pipelines.resolve(query.pipelineId);
    const pipelineId = pipeline._id.toHexString();
    const match: Record<string, unknown> = { pipelineId, deletedAt: null };
    if (query.companyId) match.companyId = query.companyId;
    else if (this.context.principal.companies) match.companyId = { $in: [...this.context.principal.companies] };
    if (query.closingFrom || query.closingTo) {
      match.closeDate = {
        ...(query.closingFrom ? { $gte: new Date(query.closingFrom) } : {}),
        ...(query.closingTo ? { $lt: new Date(query.closingTo) } : {}),
      };
    }
    const [counts, sums] = await Promise.all([
      this.repo.sumByStage(match, null),
      this.repo.sumByStage(match, 'amountMinor'),
    ]);
    const stages = pipeline.stages.map((s) => {
      const amountMinor = sums.get(s.key) ?? 0;
      const weightedMinor = Math.round((amountMinor * s.probability) / 100);
      return { stage: s, count: counts.get(s.key) ?? 0, amountMinor, weightedMinor };
    });
    const total = (k: string) => ({ count: counts.get(k) ?? 0, amount: toMajor(sums.get(k) ?? 0) });
    const won = total(ClosedStage.WON);
    const lost = total(ClosedStage.LOST);
    return {
      pipelineId,
      companyId: query.companyId ?? null,
      closingFrom: query.closingFrom ? new Date(query.closingFrom).toISOString() : null,
      closingTo: query.closingTo ? new Date(query.closingTo).toISOString() : null,
      stages: stages.map((s) => ({
        key: s.stage.key,
        name: s.stage.name,
        probability: s.stage.probability,
        count: s.count,
        amount: toMajor(s.amountMinor),
        weightedAmount: toMajor(s.weightedMinor),
      })),
      open: {
        count: stages.reduce((n, s) => n + s.count, 0),
        amount: toMajor(stages.reduce((n, s) => n + s.amountMinor, 0)),
        weightedAmount: toMajor(stages.reduce((n, s) => n + s.weightedMinor, 0)),
      },
      won,
      lost,
      winRate: won.count + lost.count ? Math.round((won.count / (won.count + lost.count)) * 10_000) / 10_000 : null,
    };
  }
}
