import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TenancyModule } from '@app/tenancy';
import { ActivityModule } from '../activity';
import { CompanyModule } from '../company';
import { CustomerModule } from '../customer';
import { OpportunityModule } from '../opportunity';
import { AnalyticsController, CustomerScoresController } from './analytics.controller';
import { AnalyticsIsolationProbe } from './analytics.isolation-probe';
import { AnalyticsScoresIsolationProbe } from './analytics-scores.isolation-probe';
import { ScorePurge, SegmentCompanyCheck, SegmentCriteriaResolver } from './analytics.registrations';
import { analyticsSettings } from './analytics.settings';
import { AnalyticsStateRepository } from './analytics-state.repository';
import { AnalyticsEventPublisher } from './event-publisher';
import { HEALTH_SIGNALS } from './health-signals';
import { HealthModelService } from './health-model.service';
import { LedgerPurchaseHistory } from './ledger-purchase-history';
import { ModuleHealthSignals } from './module-health-signals';
import { PURCHASE_HISTORY } from './purchase-history';
import { AnalyticsState, AnalyticsStateSchema } from './schemas/analytics-state.schema';
import { CustomerScore, CustomerScoreSchema } from './schemas/customer-score.schema';
import { Segment, SegmentSchema } from './schemas/segment.schema';
import { AnalyticsReportService } from './scores/analytics-report.service';
import { ScoreRecomputeJob } from './scores/score-recompute.job';
import { ScoreRepository } from './scores/score.repository';
import { ScoreUpdatesListener } from './scores/score-updates.listener';
import { ScoringService } from './scores/scoring.service';
import { SegmentController } from './segments/segment.controller';
import { SegmentRepository } from './segments/segment.repository';
import { SegmentService } from './segments/segment.service';

/**
 * Customer analytics: RFM, health score, cohort retention, saved segments. Reads purchases through the
 * PurchaseHistorySource port, overdue tasks and open deal value through the HealthSignalsSource port
 * (on ActivityService and OpportunityService), and customers through CustomerService; the customer list reaches segments
 * through the resolver it discovers (the Customer module never imports this one).
 */
@Module({
  imports: [
    TenancyModule.forFeature([
      { name: CustomerScore.name, schema: CustomerScoreSchema },
      { name: Segment.name, schema: SegmentSchema },
      { name: AnalyticsState.name, schema: AnalyticsStateSchema },
    ]),
    ConfigModule.forFeature(analyticsSettings),
    CompanyModule,
    CustomerModule,
    ActivityModule,
    OpportunityModule,
  ],
  controllers: [AnalyticsController, CustomerScoresController, SegmentController],
  providers: [
    // storage
    ScoreRepository,
    SegmentRepository,
    AnalyticsStateRepository,
    { provide: PURCHASE_HISTORY, useClass: LedgerPurchaseHistory },
    { provide: HEALTH_SIGNALS, useClass: ModuleHealthSignals },
    // services
    ScoringService,
    AnalyticsReportService,
    HealthModelService,
    SegmentService,
    AnalyticsEventPublisher,
    // background: incremental updates and the scheduled full recompute
    ScoreUpdatesListener,
    ScoreRecomputeJob,
    // registrations: isolation probe, company-deletion check, purge hook, the customer list's segments
    AnalyticsIsolationProbe,
    AnalyticsScoresIsolationProbe,
    SegmentCompanyCheck,
    ScorePurge,
    SegmentCriteriaResolver,
  ],
  exports: [ScoringService, SegmentService],
})
export class AnalyticsModule {}
