import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { expectHidden, type IsolationCheck, type IsolationProbe, IsolationProbeProvider } from '@app/tenancy';
import type { CustomerScore } from './schemas/customer-score.schema';
import { AnalyticsReportService } from './scores/analytics-report.service';
import { ScoreRepository } from './scores/score.repository';
import { ScoringService } from './scores/scoring.service';
import { HealthBand } from './scoring/health';
import { RfmSegment } from './scoring/rfm';

/**
 * Tenant B must not read, list, count, re-score or remove a stored score of tenant A. The probe score
 * belongs to no customer or company of A (ids drawn at random), so nothing of A's real data is touched
 * and no room hears of it; B's reports, searches and re-scores must all come back without it.
 */
@IsolationProbeProvider()
@Injectable()
export class AnalyticsScoresIsolationProbe implements IsolationProbe<CustomerScore> {
  readonly kind = 'analytics-scores';

  constructor(
    private readonly scores: ScoreRepository,
    private readonly scoring: ScoringService,
    private readonly reports: AnalyticsReportService,
  ) {}

  async plant(): Promise<CustomerScore> {
    const at = new Date();
    const score: CustomerScore = {
      _id: new Types.ObjectId().toHexString(),
      companyId: new Types.ObjectId().toHexString(),
      segment: RfmSegment.CHAMPIONS,
      band: HealthBand.GREEN,
      rfm: null,
      healthScore: 99,
      components: [],
      asOf: at,
      computedAt: at,
    };
    await this.scores.save([score]);
    return score;
  }

  async attack(score: CustomerScore): Promise<IsolationCheck[]> {
    const id = score._id;
    return Promise.all([
      expectHidden('stored score read from tenant B', () => this.scores.findById(id)),
      expectHidden('customer scores from tenant B', () => this.reports.customerScores(id)),
      expectHidden('scores by segment and band from tenant B', async () =>
        (await this.scores.idsMatching(null, [score.segment], [score.band], 1000)).filter((x) => x === id),
      ),
      expectHidden('stored RFM page of the company from tenant B', () => this.scores.page([score.companyId], null, 10)),
      expectHidden('segment counts of the company from tenant B', async () => {
        const counts = await this.scores.countBySegment([score.companyId]);
        return counts.size ? [...counts] : null;
      }),
      // B's re-score of that id finds no customer and removes B's score of it: A's must stay (verify).
      expectHidden('re-score from tenant B', () => this.scoring.recomputeCustomer(id)),
    ]);
  }

  async verify(score: CustomerScore): Promise<IsolationCheck[]> {
    const now = await this.scores.findById(score._id);
    const same = now !== null && now.healthScore === score.healthScore && now.segment === score.segment;
    return [{ name: 'stored score intact in tenant A', passed: same, detail: same ? 'present, unchanged' : 'changed' }];
  }

  async cleanup(score: CustomerScore): Promise<void> {
    await this.scores.remove(score._id);
  }
}
