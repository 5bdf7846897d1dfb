export enum OpportunityStatus {
  OPEN = 'open',
  WON = 'won',
  LOST = 'lost',
}

/** The stage of a closed deal: every pipeline has these two outcomes besides its own open stages. */
export enum ClosedStage {
  WON = 'won',
  LOST = 'lost',
}

export const OPPORTUNITY_ENTITY = 'opportunity';
export const PIPELINE_ENTITY = 'pipeline';

/** Per pipeline. */
export const MAX_STAGES = 20;
/** Per tenant: pipelines are read whole (lists, forecasts, stage checks). */
export const MAX_PIPELINES = 50;
/** Stage changes kept on the deal (the audit log keeps everything). */
export const MAX_STAGE_HISTORY = 100;

/**
 * The default pipeline's id: fixed, so however many provisionings, migrations or first uses create it
 * concurrently, the unique `_id` index lets exactly one exist (each tenant has its own database).
 */
export const DEFAULT_PIPELINE_ID = '0000000000000000000000d1';

export const DEFAULT_STAGES = [
  { key: 'qualification', name: 'Qualification', probability: 10 },
  { key: 'needs_analysis', name: 'Needs analysis', probability: 25 },
  { key: 'proposal', name: 'Proposal', probability: 50 },
  { key: 'negotiation', name: 'Negotiation', probability: 75 },
] as const;

/** Failpoints (see Failpoints): a crash between closing a deal and its revenue entry. */
export enum OpportunityFailpoint {
  AFTER_CLOSE = 'opportunity.after-close',
}

/** Counting open deals (409 details, deletion checks) stops here. */
export const USAGE_LIMIT = 1000;
