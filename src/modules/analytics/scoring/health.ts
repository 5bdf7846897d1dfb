import { toMajor } from '../../../domain/money';
import { DAY_MS, type RfmScore } from './rfm';

export enum HealthBand {
  GREEN = 'green',
  YELLOW = 'yellow',
  RED = 'red',
}

export enum HealthComponentKey {
  RFM = 'rfm',
  ACTIVITY = 'activity',
  OVERDUE_TASKS = 'overdueTasks',
  STATUS = 'status',
  OPEN_OPPORTUNITIES = 'openOpportunities',
}

/** A tenant's health model: relative weights (0..100 each) and the lowest score of each band. */
export interface HealthModel {
  weights: Record<HealthComponentKey, number>;
  thresholds: { green: number; yellow: number };
}

export const DEFAULT_HEALTH_MODEL: HealthModel = {
  weights: {
    [HealthComponentKey.RFM]: 35,
    [HealthComponentKey.ACTIVITY]: 25,
    [HealthComponentKey.OVERDUE_TASKS]: 10,
    [HealthComponentKey.STATUS]: 20,
    [HealthComponentKey.OPEN_OPPORTUNITIES]: 10,
  },
  thresholds: { green: 70, yellow: 40 },
};

/** What the health of one customer is computed from; `undefined` marks a measure the system does not have. */
export interface HealthInputs {
  asOf: Date;
  /** Null: no purchase yet. */
  rfm: RfmScore | null;
  status: string;
  /** Null: no activity yet; undefined: activities are not tracked. */
  lastActivityAt?: Date | null;
  overdueTasks?: number;
  /** Open opportunity value, minor units. */
  openOpportunityMinor?: number;
}

/** The raw measures a component's value is computed from (only those of its component are set). */
export interface HealthComponentInputs {
  r?: number | null;
  f?: number | null;
  m?: number | null;
  /** Whole days since the last activity; null: none. */
  daysSinceLastActivity?: number | null;
  overdueTasks?: number | null;
  status?: string;
  /** Σ open deal amounts, major units. */
  openOpportunityValue?: number | null;
  /** Revenue in the RFM window, major units (what the open value is measured against). */
  revenueInWindow?: number;
}

export interface HealthComponent {
  key: HealthComponentKey;
  weight: number;
  /** 0..1, or null when the measure is not available (its weight is then left out). */
  value: number | null;
  inputs: HealthComponentInputs;
  /** Points this component adds to the score (0..100 over all components). */
  points: number;
  detail: string;
}

export interface HealthScore {
  score: number;
  band: HealthBand;
  components: HealthComponent[];
}

/** Activity within a week counts fully; none for 90 days counts nothing; linear in between. */
export const ACTIVITY_FULL_DAYS = 7;
export const ACTIVITY_ZERO_DAYS = 90;
/** Each overdue open task takes a quarter off; four or more take everything. */
export const OVERDUE_TASK_PENALTY = 0.25;
export const STATUS_VALUE: Readonly<Record<string, number>> = { active: 1, inactive: 0.5, churned: 0 };

/**
 * score = round(100 · Σ wᵢ·vᵢ / Σ wᵢ) over the components whose value is known, each vᵢ in 0..1:
 * - rfm: (R + F + M − 3) / 12; no purchase: 0
 * - activity: 1 up to 7 days since the last activity, 0 from 90 days, linear between; none: 0
 * - overdueTasks: 1 − 0.25 per overdue open task (open, `dueAt` before asOf, on the customer or one of its
 *   deals), at least 0
 * - status: active 1, inactive 0.5, churned 0
 * - openOpportunities: Σ amount of the customer's live open deals ÷ its revenue in the RFM window, at most 1
 *   (pipeline as large as a year's spend counts fully; any open value with no revenue: 1; none: 0)
 * band: green from `thresholds.green`, yellow from `thresholds.yellow`, red below.
 */
export function healthScore(model: HealthModel, inputs: HealthInputs): HealthScore {
  const rfm = inputs.rfm;
  const values: Record<HealthComponentKey, Measured> = {
    [HealthComponentKey.RFM]: rfm
      ? [(rfm.r + rfm.f + rfm.m - 3) / 12, `RFM ${rfm.code}`, { r: rfm.r, f: rfm.f, m: rfm.m }]
      : [0, 'no purchase', { r: null, f: null, m: null }],
    [HealthComponentKey.ACTIVITY]: activityValue(inputs),
    [HealthComponentKey.OVERDUE_TASKS]: overdueValue(inputs.overdueTasks),
    [HealthComponentKey.STATUS]: [
      STATUS_VALUE[inputs.status] ?? 0,
      `status ${inputs.status}`,
      { status: inputs.status },
    ],
    [HealthComponentKey.OPEN_OPPORTUNITIES]: opportunityValue(inputs),
  };
  const keys = Object.values(HealthComponentKey);
  const total = keys.reduce((s, k) => s + (values[k][0] === null ? 0 : model.weights[k]), 0);
  const components = keys.map((key) => {
    const [value, detail, raw] = values[key];
    const weight = model.weights[key];
    const points = value === null || total === 0 ? 0 : round6((100 * weight * value) / total);
    return { key, weight, value: value === null ? null : round6(value), inputs: raw, points, detail };
  });
  const score = Math.round(round6(components.reduce((s, c) => s + c.points, 0)));
  return { score, band: bandOf(model, score), components };
}

/** A component's value (null: not available), its detail line and its raw inputs. */
type Measured = [number | null, string, HealthComponentInputs];

export function bandOf(model: HealthModel, score: number): HealthBand {
  if (score >= model.thresholds.green) return HealthBand.GREEN;
  if (score >= model.thresholds.yellow) return HealthBand.YELLOW;
  return HealthBand.RED;
}

function activityValue(inputs: HealthInputs): Measured {
  if (inputs.lastActivityAt === undefined) return [null, 'activities not tracked', {}];
  if (inputs.lastActivityAt === null) return [0, 'no activity', { daysSinceLastActivity: null }];
  const days = Math.max(0, (inputs.asOf.getTime() - inputs.lastActivityAt.getTime()) / DAY_MS);
  const value =
    days <= ACTIVITY_FULL_DAYS
      ? 1
      : days >= ACTIVITY_ZERO_DAYS
        ? 0
        : (ACTIVITY_ZERO_DAYS - days) / (ACTIVITY_ZERO_DAYS - ACTIVITY_FULL_DAYS);
  return [value, `last activity ${Math.floor(days)} days ago`, { daysSinceLastActivity: Math.floor(days) }];
}

function overdueValue(overdue: number | undefined): Measured {
  if (overdue === undefined) return [null, 'tasks not tracked', { overdueTasks: null }];
  const detail = `${overdue} overdue open task${overdue === 1 ? '' : 's'}`;
  return [Math.max(0, 1 - OVERDUE_TASK_PENALTY * overdue), detail, { overdueTasks: overdue }];
}

function opportunityValue(inputs: HealthInputs): Measured {
  const open = inputs.openOpportunityMinor;
  const revenue = inputs.rfm?.monetaryMinor ?? 0;
  if (open === undefined) return [null, 'opportunities not tracked', { openOpportunityValue: null }];
  const raw = { openOpportunityValue: toMajor(open), revenueInWindow: toMajor(revenue) };
  if (open <= 0) return [0, 'no open opportunity', raw];
  const detail = `open opportunities ${toMajor(open)} vs revenue ${toMajor(revenue)} in the window`;
  return [revenue > 0 ? Math.min(1, open / revenue) : 1, detail, raw];
}

/** Keeps float noise (0.1 + 0.2) out of rounding to whole points. */
function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
