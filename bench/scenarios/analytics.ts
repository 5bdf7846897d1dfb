import { Types } from 'mongoose';
import { deleteAllMatching, isFerretDb } from '@app/tenancy';
import { AnalyticsReportService, ScoringService } from '../../src/modules/analytics';
import { DEFAULT_HEALTH_MODEL, healthScore } from '../../src/modules/analytics/scoring/health';
import { CohortMetric } from '../../src/modules/analytics/scoring/cohorts';
import {
  type Purchase,
  RfmSegment,
  type RfmValues,
  rfmValues,
  scorePopulation,
} from '../../src/modules/analytics/scoring/rfm';
import type { BenchSession } from '../support/bench-session';
import { alternate, heapPeak, ratioAtLeast, time } from '../support/timing';
import type { Metric, Scenario } from '../support/scenario';

const ENTRIES_PER_CUSTOMER = 5;
/** Scores per insert of the driver script (the module's batch). */
const SCORE_BATCH = 500;
const DAY = 86_400_000;

/**
 * Analytics, three figures. (1) A full RFM and health recompute of one company through ScoringService
 * (customers scanned, the ledger streamed one customer at a time, quintiles, health, every score written)
 * against a single-pass script over the raw driver doing the same reads, the same pure scoring and the
 * same writes. (2) The heap peak of the module's recompute. (3) The cohort table through the report
 * service against a driver aggregation (`$group` by customer and purchase instant with `$sum`: FerretDB has no `$year`/`$month`)
 * folded into the table by the script. Ratios are baseline time ÷ module time (≥ 0.5 wanted).
 */
export const analytics: Scenario = {
  name: 'analytics',
  description: 'RFM + health recompute vs a raw-driver single pass; heap peak; cohort table vs driver aggregation',
  async run(s) {
    const customers = s.options.smoke ? 200 : s.options.customers;
    const tenant = await s.newTenant('analytics');
    const companyId = await s.newCompany(tenant);
    const db = s.connections.root.getClient().db(tenant.dbName);
    await seed(db, companyId, customers);
    s.log(`analytics: ${customers} customers, ${customers * ENTRIES_PER_CUSTOMER} ledger entries`);

    const scoring = s.app.get(ScoringService);
    const reports = s.app.get(AnalyticsReportService);
    const scores = db.collection('customer_scores');
    const scratch = db.collection('bench_scores');

    const moduleRecompute = async () => {
      await deleteAllMatching(scores, {});
      return time(() => s.inTenant(tenant, () => scoring.recomputeCompany(companyId)));
    };
    const driverRecompute = async () => {
      await deleteAllMatching(scratch, {});
      return time(() => driverPass(db, companyId, scratch));
    };
    const rounds = Math.max(1, s.options.rounds);
    const recompute = await alternate(rounds, driverRecompute, moduleRecompute);
    s.log(
      `analytics: recompute driver ${Math.round(recompute.baseline)} ms, module ${Math.round(recompute.subject)} ms`,
    );
    const written = await scores.countDocuments({ companyId });
    if (written !== customers || (await scratch.countDocuments({ companyId })) !== customers) {
      throw new Error(`recompute wrote ${written} scores for ${customers} customers`);
    }

    await deleteAllMatching(scores, {});
    const heap = await heapPeak(() => s.inTenant(tenant, () => scoring.recomputeCompany(companyId)));

    const asOf = new Date();
    const moduleCohorts = async () =>
      time(() =>
        s.inTenant(tenant, () =>
          reports.cohorts({ companyId, metric: CohortMetric.CUSTOMERS, asOf: asOf.toISOString() }),
        ),
      );
    const ferret = await isFerretDb(s.connections.root);
    const driverCohorts = async () => time(() => driverCohortTable(db, companyId, asOf, ferret));
    s.log(`analytics: recompute heap peak ${Math.round(heap / 1_048_576)} MB`);
    const cohorts = await alternate(rounds, driverCohorts, moduleCohorts);
    s.log(`analytics: cohorts driver ${Math.round(cohorts.baseline)} ms, module ${Math.round(cohorts.subject)} ms`);
    const viaModule = await s.inTenant(tenant, () =>
      reports.cohorts({ companyId, metric: CohortMetric.CUSTOMERS, asOf: asOf.toISOString() }),
    );
    const viaDriver = await driverCohortTable(db, companyId, asOf, ferret);
    if (JSON.stringify(viaModule.data.map((r) => [r.cohort, r.size])) !== JSON.stringify(viaDriver)) {
      throw new Error('the cohort tables of the module and the driver aggregation differ');
    }

    const recomputeRatio = recompute.baseline / recompute.subject;
    const cohortRatio = cohorts.baseline / cohorts.subject;
    const metrics: Metric[] = [
      { name: 'customers / ledger entries', value: customers, unit: ` / ${customers * ENTRIES_PER_CUSTOMER}` },
      { name: 'recompute: driver single pass (median)', value: recompute.baseline, unit: 'ms' },
      { name: 'recompute: module (median)', value: recompute.subject, unit: 'ms' },
      ratioAtLeast('recompute ratio (driver ÷ module)', recomputeRatio, 0.5),
      { name: 'recompute heap peak above start', value: heap / 1_048_576, unit: 'MB' },
      { name: 'cohorts: driver aggregation (median)', value: cohorts.baseline, unit: 'ms' },
      { name: 'cohorts: module (median)', value: cohorts.subject, unit: 'ms' },
      ratioAtLeast('cohort ratio (driver ÷ module)', cohortRatio, 0.5),
    ];
    return {
      comparisons: [],
      metrics,
      notes: [
        'Both recompute sides scan the live customers, read every ledger entry of the company, score with the same ' +
          'pure functions and write one score per customer (the stored scores are cleared before each module round, ' +
          'so it writes them all; in steady state it writes only the scores that changed).',
        (ferret
          ? 'The cohort baseline reads the entries through one projected driver cursor and folds them into months (FerretDB has no ' +
            '$month and groups in its own process, slower than this); '
          : 'The cohort baseline is a driver $group by customer and month; ') +
          'the module streams entries one customer at a time and checks that each customer is live.',
      ],
    };
  },
};

type Db = ReturnType<ReturnType<BenchSession['connections']['root']['getClient']>['db']>;

async function seed(db: Db, companyId: string, customers: number): Promise<void> {
  let x = 42;
  const rnd = () => (x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const now = Date.now();
  for (let first = 0; first < customers; first += 1000) {
    const docs = [];
    const entries = [];
    for (let i = first; i < Math.min(customers, first + 1000); i++) {
      const id = new Types.ObjectId();
      const created = new Date(now - 800 * DAY);
      docs.push({
        _id: id,
        companyId,
        name: `Customer ${i}`,
        nameSort: `customer ${i}`,
        status: i % 10 ? 'active' : 'inactive',
        source: 'direct',
        email: null,
        phone: null,
        website: null,
        industry: null,
        size: null,
        address: null,
        notes: null,
        tags: [],
        assignedTo: null,
        contacts: [],
        totalRevenueMinor: 0,
        purchaseCount: 0,
        revenueRefs: [],
        leadId: null,
        statusHistory: [],
        searchTokens: [],
        deletedAt: null,
        lastActivityAt: null,
        openTasks: 0,
        createdAt: created,
        updatedAt: created,
        createdBy: 'bench',
        updatedBy: 'bench',
        version: 1,
      });
      for (let k = 0; k < ENTRIES_PER_CUSTOMER; k++) {
        const at = new Date(now - Math.floor(rnd() * 730) * DAY);
        entries.push({
          _id: new Types.ObjectId(),
          customerId: id.toHexString(),
          companyId,
          key: `${id.toHexString()}|bench-${k}`,
          amountMinor: 100 + Math.floor(rnd() * 100_000),
          purchases: 1,
          at,
          reference: `bench-${k}`,
          source: 'manual',
          reversalOf: null,
          reverses: null,
          reason: null,
          createdAt: at,
          createdBy: 'bench',
        });
      }
    }
    await db.collection('customers').insertMany(docs, { ordered: false });
    await db.collection('revenue_entries').insertMany(entries, { ordered: false });
  }
}

/** The raw-driver single pass: the same reads, scoring and writes as the module, without it. */
async function driverPass(db: Db, companyId: string, out: ReturnType<Db['collection']>): Promise<void> {
  const asOf = new Date();
  const live = new Map<string, { status: string; lastActivityAt: Date | null }>();
  for await (const c of db
    .collection('customers')
    .find({ companyId, deletedAt: null }, { projection: { status: 1, lastActivityAt: 1 } })) {
    live.set(c._id.toHexString(), { status: c.status as string, lastActivityAt: (c.lastActivityAt as Date) ?? null });
  }
  const ids: string[] = [];
  const values: RfmValues[] = [];
  let current: string | null = null;
  let purchases: Purchase[] = [];
  const flush = () => {
    if (current === null || !live.has(current)) return;
    const v = rfmValues(purchases, { asOf, windowDays: 365 });
    if (v) {
      ids.push(current);
      values.push(v);
    }
  };
  for await (const e of db.collection('revenue_entries').find({ companyId }).sort({ customerId: 1, at: -1, _id: -1 })) {
    if (e.customerId !== current) {
      flush();
      current = e.customerId as string;
      purchases = [];
    }
    if (e.reverses === null)
      purchases.push({ at: e.at as Date, amountMinor: e.amountMinor as number, count: e.purchases as number });
  }
  flush();
  const { scores } = scorePopulation(values);
  const rfmOf = new Map(ids.map((id, i) => [id, scores[i]]));
  // The scratch collection is emptied before each round: every score is new, as for the module (which
  // inserts the scores it finds not stored), so the script inserts them, a batch at a time.
  let batch = [];
  for (const [id, c] of live) {
    const rfm = rfmOf.get(id) ?? null;
    const h = healthScore(DEFAULT_HEALTH_MODEL, { asOf, rfm, status: c.status, lastActivityAt: c.lastActivityAt });
    batch.push({
      _id: id as unknown as Types.ObjectId,
      companyId,
      segment: rfm?.segment ?? RfmSegment.NO_PURCHASE,
      band: h.band,
      rfm,
      healthScore: h.score,
      components: h.components,
      asOf,
      computedAt: new Date(),
    });
    if (batch.length === SCORE_BATCH) {
      await out.insertMany(batch, { ordered: false });
      batch = [];
    }
  }
  if (batch.length) await out.insertMany(batch, { ordered: false });
}

/**
 * Cohort sizes by month of first purchase, straight from the driver. On MongoDB a `$group` by customer
 * and month does the work in the server. FerretDB 1.24 has no `$month` and groups row by row in its own
 * process (a `$group` by customer and instant did not finish in 7 minutes over 100,000 entries), so
 * there the baseline is one projected cursor over the entries, folded into months here: the least a
 * client can read to build the table.
 */
async function driverCohortTable(
  db: Db,
  companyId: string,
  asOf: Date,
  ferret: boolean,
): Promise<Array<[string, number]>> {
  const match = { companyId, reverses: null, at: { $lte: asOf } };
  const first = new Map<string, number>();
  const fold = (customerId: string, month: number) =>
    first.set(customerId, Math.min(first.get(customerId) ?? Infinity, month));
  const ledger = db.collection('revenue_entries');
  if (ferret) {
    const rows = ledger.find(match, { projection: { _id: 0, customerId: 1, at: 1 }, batchSize: 5000 });
    for await (const r of rows) fold(r.customerId as string, monthOf(r.at as Date));
  } else {
    const rows = ledger.aggregate<{ _id: { c: string; y: number; m: number } }>([
      { $match: match },
      { $group: { _id: { c: '$customerId', y: { $year: '$at' }, m: { $month: '$at' } } } },
    ]);
    for await (const r of rows) fold(r._id.c, r._id.y * 12 + r._id.m - 1);
  }
  const sizes = new Map<number, number>();
  for (const m of first.values()) sizes.set(m, (sizes.get(m) ?? 0) + 1);
  return [...sizes.entries()]
    .sort(([a], [b]) => a - b)
    .map(([m, n]) => [`${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`, n]);
}

const monthOf = (at: Date) => at.getUTCFullYear() * 12 + at.getUTCMonth();
