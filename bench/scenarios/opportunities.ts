import { Types } from 'mongoose';
import { searchTokens } from '@app/common';
import { DEFAULT_PIPELINE_ID } from '../../src/modules/opportunity';
import { SCAN_CONCURRENCY } from '../support/customer-seed';
import type { Scenario } from '../support/scenario';

const STAGES = ['qualification', 'needs_analysis', 'proposal', 'negotiation'];
const PAGE = 25;
const BATCH = 1000;
const DAY_MS = 86_400_000;

/**
 * The forecast and the board (one stage of a pipeline, most recently moved first) over N deals
 * (2 × --customers: 10,000 on FerretDB by default), each beside what it costs the database through the
 * raw driver: the forecast's two per-stage `$group`s (count, sum: one accumulator each, see the
 * forecast service) and the board's `find`.
 */
export const opportunities: Scenario = {
  name: 'opportunities',
  description: 'GET /opportunities/forecast and the board list per stage vs the same queries through the raw driver',
  async run(s) {
    const count = s.options.customers * 2;
    const tenant = await s.newTenant('deals');
    const companyId = await s.newCompany(tenant, 'Sales');
    const db = s.connections.root.getClient().db(tenant.dbName);
    const collection = db.collection('opportunities');
    const random = seeded(7);
    const started = Date.now();
    for (let first = 0; first < count; first += BATCH) {
      const docs = [];
      for (let i = first; i < Math.min(count, first + BATCH); i++) docs.push(deal(i, companyId, random));
      await collection.insertMany(docs, { ordered: false });
    }
    s.log(`opportunities: ${count} inserted in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const auth = s.bearer(tenant);

    const match = { pipelineId: DEFAULT_PIPELINE_ID, deletedAt: null };
    const perStage = (accumulator: unknown) =>
      collection.aggregate([{ $match: match }, { $group: { _id: '$stage', n: { $sum: accumulator } } }]).toArray();
    const driverForecast = () => Promise.all([perStage(1), perStage('$amountMinor')]);
    const board = (stage: string) =>
      collection
        .find({ ...match, stage }, { projection: { searchTokens: 0 } })
        .sort({ updatedAt: -1, _id: -1 })
        .limit(PAGE + 1)
        .toArray();

    // Same answers on both sides before measuring.
    const api = (await (await fetch(`${s.url}/api/v1/opportunities/forecast`, { headers: auth })).json()) as {
      stages: Array<{ key: string; count: number }>;
    };
    const [counts] = await driverForecast();
    for (const st of api.stages) {
      if ((counts.find((c) => c._id === st.key)?.n ?? 0) !== st.count) throw new Error('forecast counts differ');
    }
    const boardPath = (stage: string) =>
      `/api/v1/opportunities?pipelineId=${DEFAULT_PIPELINE_ID}&stage=${stage}&limit=${PAGE}&sort=-updatedAt`;
    const page = (await (await fetch(`${s.url}${boardPath('proposal')}`, { headers: auth })).json()) as {
      data: Array<{ id: string }>;
    };
    const rows = await board('proposal');
    const ids = (xs: Array<{ _id: unknown }>) =>
      xs
        .slice(0, PAGE)
        .map((r) => String(r._id))
        .join();
    if (page.data.map((d) => d.id).join() !== ids(rows)) throw new Error('board pages differ');

    const c = Math.min(SCAN_CONCURRENCY, s.options.connections);
    const forecast = await s.compare(
      `GET /opportunities/forecast (${count} deals) vs driver $group ×2`,
      { label: 'driver aggregation', run: s.ops(() => driverForecast(), c) },
      { label: 'API', run: s.http([{ path: '/api/v1/opportunities/forecast', headers: auth }], c) },
      { metric: 'throughputRatio', bound: 0.6, text: '≥ 0.60' },
      c,
    );
    const boardList = await s.compare(
      `GET /opportunities?pipelineId=&stage= (board, ${PAGE}) vs driver find`,
      { label: 'driver find', run: s.ops((i) => board(STAGES[i % STAGES.length]), c) },
      {
        label: 'API',
        run: s.http(
          STAGES.map((st) => ({ path: boardPath(st), headers: auth })),
          c,
        ),
      },
      { metric: 'throughputRatio', bound: 0.6, text: '≥ 0.60' },
      c,
    );
    return {
      comparisons: [forecast, boardList],
      metrics: [{ name: 'opportunities in the tenant', value: count, unit: '' }],
      notes: [
        'Both sides give the same per-stage counts and the same board page (checked before measuring). The ' +
          'API forecast also reads the pipeline and weights amounts in cents; the board also encodes a cursor.',
      ],
    };
  },
};

function deal(i: number, companyId: string, random: () => number) {
  const stageIdx = Math.floor(random() * 6);
  const open = stageIdx < 4;
  const stage = open ? STAGES[stageIdx] : stageIdx === 4 ? 'won' : 'lost';
  const createdAt = new Date(Date.now() - Math.floor(random() * 365 * DAY_MS));
  const updatedAt = new Date(createdAt.getTime() + Math.floor(random() * 30 * DAY_MS));
  const closeDate = new Date(createdAt.getTime() + Math.floor(random() * 180 * DAY_MS));
  const name = `Deal ${i}`;
  return {
    _id: new Types.ObjectId(),
    companyId,
    customerId: new Types.ObjectId().toHexString(),
    pipelineId: DEFAULT_PIPELINE_ID,
    name,
    nameSort: name.toLowerCase(),
    amountMinor: Math.floor(random() * 10_000_000),
    stage,
    status: open ? 'open' : stage,
    probability: open ? [10, 25, 50, 75][stageIdx] : stage === 'won' ? 100 : 0,
    expectedCloseAt: closeDate,
    closedAt: open ? null : closeDate,
    closeDate,
    ownerId: `user-${i % 10}`,
    lostReason: stage === 'lost' ? 'price' : null,
    reopenStage: open ? null : 'proposal',
    winSeq: stage === 'won' ? 1 : 0,
    leadId: null,
    stageHistory: [{ from: null, to: stage, by: 'bench', at: createdAt }],
    searchTokens: searchTokens({ texts: [name], phones: [] }),
    deletedAt: null,
    createdBy: 'bench',
    updatedBy: 'bench',
    createdAt,
    updatedAt,
    version: 1,
  };
}

function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}
