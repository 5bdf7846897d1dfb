export { AnalyticsModule } from './analytics.module';
export { ScoreFailpoint, ScoringService } from './scores/scoring.service';
export { HealthModelFailpoint } from './health-model.service';
export { AnalyticsReportService } from './scores/analytics-report.service';
export { ScoreUpdatesListener } from './scores/score-updates.listener';
export { ScoreRecomputeJob } from './scores/score-recompute.job';
export { SegmentService } from './segments/segment.service';
export { PURCHASE_HISTORY, type CustomerPurchases, type PurchaseHistorySource } from './purchase-history';
export {
  CustomerScoreChangedEvent,
  HealthModelEventName,
  ScoreEventName,
  SegmentEventName,
} from './events/analytics.events';
export { RfmSegment } from './scoring/rfm';
export { HealthBand } from './scoring/health';
