import { Direction, edgesOf, type QuintileEdges, quintileScores, scoreByEdges } from './quintiles';

export const DAY_MS = 86_400_000;

/** Named RFM segments; `no_purchase` holds customers without a purchase up to the date of the view. */
export enum RfmSegment {
  CHAMPIONS = 'champions',
  LOYAL = 'loyal',
  POTENTIAL_LOYALIST = 'potential_loyalist',
  NEW = 'new',
  PROMISING = 'promising',
  NEED_ATTENTION = 'need_attention',
  ABOUT_TO_SLEEP = 'about_to_sleep',
  AT_RISK = 'at_risk',
  CANNOT_LOSE = 'cannot_lose',
  HIBERNATING = 'hibernating',
  LOST = 'lost',
  NO_PURCHASE = 'no_purchase',
}

/**
 * The score-range table (README "Analytics"), first match wins. R and F decide, as in the usual R×F grid;
 * M only separates `lost` (lowest quintile in all three) from `hibernating`.
 */
export const SEGMENT_TABLE: ReadonlyArray<{
  segment: RfmSegment;
  r: [number, number];
  f: [number, number];
  m?: [number, number];
}> = [
  { segment: RfmSegment.LOST, r: [1, 1], f: [1, 1], m: [1, 1] },
  { segment: RfmSegment.CHAMPIONS, r: [5, 5], f: [4, 5] },
  { segment: RfmSegment.LOYAL, r: [3, 4], f: [4, 5] },
  { segment: RfmSegment.POTENTIAL_LOYALIST, r: [4, 5], f: [2, 3] },
  { segment: RfmSegment.NEW, r: [5, 5], f: [1, 1] },
  { segment: RfmSegment.PROMISING, r: [4, 4], f: [1, 1] },
  { segment: RfmSegment.NEED_ATTENTION, r: [3, 3], f: [3, 3] },
  { segment: RfmSegment.ABOUT_TO_SLEEP, r: [3, 3], f: [1, 2] },
  { segment: RfmSegment.CANNOT_LOSE, r: [1, 2], f: [5, 5] },
  { segment: RfmSegment.AT_RISK, r: [1, 2], f: [3, 4] },
  { segment: RfmSegment.HIBERNATING, r: [1, 2], f: [1, 2] },
];

export function segmentOf(r: number, f: number, m: number): RfmSegment {
  const within = (v: number, [lo, hi]: [number, number]) => v >= lo && v <= hi;
  const row = SEGMENT_TABLE.find((t) => within(r, t.r) && within(f, t.f) && (!t.m || within(m, t.m)));
  if (!row) throw new Error(`RFM table has no row for ${r}${f}${m}`);
  return row.segment;
}

/** One purchase (or an opening balance of several) of a customer, net of reversals. */
export interface Purchase {
  at: Date;
  amountMinor: number;
  /** Purchases the entry counts (1, or n for an opening balance). */
  count: number;
}

/** What RFM measures of one customer as of a date. */
export interface RfmValues {
  /** Whole days from the last purchase up to `asOf`. */
  recencyDays: number;
  /** Purchases in the window (asOf − windowDays, asOf]. */
  frequency: number;
  /** Revenue in the window, minor units. */
  monetaryMinor: number;
}

export interface RfmScore extends RfmValues {
  r: number;
  f: number;
  m: number;
  /** `${r}${f}${m}`. */
  code: string;
  segment: RfmSegment;
}

export interface RfmWindow {
  asOf: Date;
  windowDays: number;
}

/** The measures of one customer, or null when it bought nothing up to `asOf` (its own group). */
export function rfmValues(purchases: readonly Purchase[], w: RfmWindow): RfmValues | null {
  const asOf = w.asOf.getTime();
  const from = asOf - w.windowDays * DAY_MS;
  let last = -Infinity;
  let frequency = 0;
  let monetaryMinor = 0;
  for (const p of purchases) {
    const t = p.at.getTime();
    if (t > asOf || p.count <= 0) continue;
    if (t > last) last = t;
    if (t > from) {
      frequency += p.count;
      monetaryMinor += p.amountMinor;
    }
  }
  if (last === -Infinity) return null;
  return { recencyDays: Math.floor((asOf - last) / DAY_MS), frequency, monetaryMinor };
}

export interface RfmEdges {
  recency: QuintileEdges;
  frequency: QuintileEdges;
  monetary: QuintileEdges;
}

/** Scores a whole population (one company, or the tenant) at once: the quintiles are its own. */
export function scorePopulation(values: readonly RfmValues[]): { scores: RfmScore[]; edges: RfmEdges } {
  const rec = values.map((v) => v.recencyDays);
  const freq = values.map((v) => v.frequency);
  const mon = values.map((v) => v.monetaryMinor);
  const r = quintileScores(rec, Direction.LOWER_IS_BETTER);
  const f = quintileScores(freq, Direction.HIGHER_IS_BETTER);
  const m = quintileScores(mon, Direction.HIGHER_IS_BETTER);
  return {
    scores: values.map((v, i) => scored(v, r[i], f[i], m[i])),
    edges: {
      recency: edgesOf(rec, r, Direction.LOWER_IS_BETTER),
      frequency: edgesOf(freq, f, Direction.HIGHER_IS_BETTER),
      monetary: edgesOf(mon, m, Direction.HIGHER_IS_BETTER),
    },
  };
}

/** One customer against the edges of the last full run (incremental update between runs). */
export function scoreAgainst(edges: RfmEdges, v: RfmValues): RfmScore {
  return scored(
    v,
    scoreByEdges(edges.recency, v.recencyDays, Direction.LOWER_IS_BETTER),
    scoreByEdges(edges.frequency, v.frequency, Direction.HIGHER_IS_BETTER),
    scoreByEdges(edges.monetary, v.monetaryMinor, Direction.HIGHER_IS_BETTER),
  );
}

function scored(v: RfmValues, r: number, f: number, m: number): RfmScore {
  return { ...v, r, f, m, code: `${r}${f}${m}`, segment: segmentOf(r, f, m) };
}
