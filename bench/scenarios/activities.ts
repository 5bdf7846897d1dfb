import { Types } from 'mongoose';
import { ACTIVITY_TIMELINE_KIND, ActivityService, ActivityType } from '../../src/modules/activity';
import { ActivityRollups } from '../../src/modules/activity/activity-rollups';
import { ScoreUpdatesListener } from '../../src/modules/analytics';
import { CustomerService, CustomerStatus } from '../../src/modules/customer';
import type { BenchSession, BenchTenant } from '../support/bench-session';
import type { Comparison } from '../support/comparison';
import type { LoadResult } from '../support/load-result';
import type { Scenario } from '../support/scenario';

const PAGE = 50;
/** Customers the rollup comparison spreads its writes over (so the per-customer lock is not the limit). */
const WRITE_CUSTOMERS = 32;

/**
 * Activities, two figures. (1) A timeline page of 50 for a customer with 10,000 timeline entries
 * (activities and status changes; 500 in smoke) through the API, against the driver queries the
 * timeline makes (the customer by id, then each source's newest 51: activities, the customer's audit
 * trail, the lead-conversion trail). (2) The price of the customer rollup on an activity write: the
 * same notes logged through ActivityService with the rollup recount on and switched off.
 */
export const activities: Scenario = {
  name: 'activities',
  description:
    'customer timeline page of 50 over 10,000 entries vs its driver queries; rollup cost on an activity write',
  async run(s) {
    const timeline = await timelinePage(s);
    const rollup = await rollupCost(s);
    const costPct = (1 - rollup.throughputRatio) * 100;
    return {
      comparisons: [timeline.comparison, rollup],
      metrics: [
        { name: 'timeline entries of the customer', value: timeline.entries, unit: '' },
        { name: 'rollup cost on an activity write', value: costPct, unit: '%', target: '≤ 10 %', met: costPct <= 10 },
      ],
      notes: [
        'Both timeline sides return the same 50 entries (checked before measuring). The API also verifies the ' +
          'token, resolves the tenant, checks the customer is visible and merges the sources in memory.',
        "Logging a note, call, email or meeting raises the customer's lastActivityAt under its record lock " +
          '(a lease insert and delete and one $max update). Task writes, deletes and moved dates recount from the ' +
          'activities instead (two reads over the customer’s activities: index-bound on MongoDB, a collection scan ' +
          'on FerretDB); this comparison measures notes.',
      ],
    };
  },
};

async function timelinePage(s: BenchSession): Promise<{ comparison: Comparison; entries: number }> {
  const tenant = await s.newTenant('activity-timeline');
  const companyId = await s.newCompany(tenant);
  const customers = s.app.get(CustomerService);
  const customer = await s.inTenant(tenant, () => customers.create({ companyId, name: 'Busy customer' }));
  const total = s.options.smoke ? 500 : 10_000;
  const statusChanges = Math.floor(total / 20);
  const db = s.connections.root.getClient().db(tenant.dbName);
  // Status changes through the service (they are audit entries); activities straight into the collection.
  const statuses = [CustomerStatus.INACTIVE, CustomerStatus.ACTIVE];
  for (let i = 0; i < statusChanges; i++) {
    await s.inTenant(tenant, () => customers.setStatus(customer.id, { status: statuses[i % 2] }));
  }
  const activityCount = total - statusChanges;
  // 100 ms apart up to now: the newest ones interleave with the status changes just made.
  const start = Date.now() - activityCount * 100;
  for (let first = 0; first < activityCount; first += 1000) {
    const docs = [];
    for (let i = first; i < Math.min(activityCount, first + 1000); i++) {
      const at = new Date(start + (i + 1) * 100);
      docs.push({
        _id: new Types.ObjectId(),
        companyId,
        type: i % 5 ? ActivityType.CALL : ActivityType.TASK,
        subject: `Activity ${i}`,
        body: null,
        targetType: 'customer',
        targetId: customer.id,
        customerId: customer.id,
        occurredAt: at,
        assignedTo: null,
        durationMinutes: null,
        outcome: null,
        status: i % 5 ? null : 'open',
        dueAt: null,
        completedAt: null,
        completedBy: null,
        deletedAt: null,
        createdAt: at,
        updatedAt: at,
        createdBy: 'bench-user',
        updatedBy: 'bench-user',
        version: 1,
      });
    }
    await db.collection('activities').insertMany(docs, { ordered: false });
  }
  s.log(`timeline: ${activityCount} activities and ${statusChanges} status changes`);

  const audit = db.collection('audit_events');
  const newest = (rows: Array<{ at: Date; key: string }>) =>
    rows.sort((a, b) => b.at.getTime() - a.at.getTime() || (a.key < b.key ? 1 : a.key > b.key ? -1 : 0)).slice(0, PAGE);
  // What TimelineService does for a first page of every kind, as driver queries.
  const driverPage = async () => {
    const id = new Types.ObjectId(customer.id);
    const found = await db.collection('customers').findOne({ _id: id }, { projection: { searchTokens: 0 } });
    if (!found) throw new Error('customer missing');
    const [acts, own, lead] = await Promise.all([
      db
        .collection('activities')
        .find({ customerId: customer.id, deletedAt: null })
        .sort({ occurredAt: -1, _id: -1 })
        .limit(PAGE + 1)
        .toArray(),
      audit
        .find({
          entityType: 'customer',
          entityId: customer.id,
          action: { $in: ['customer.status_changed', 'customer.assigned', 'customer.revenue_recorded'] },
        })
        .sort({ at: -1, _id: -1 })
        .limit(PAGE + 1)
        .toArray(),
      audit
        .find({ entityType: 'lead', entityId: customer.id, action: { $in: ['lead.converted'] } })
        .sort({ at: -1, _id: -1 })
        .limit(PAGE + 1)
        .toArray(),
    ]);
    return newest([
      ...acts.map((a) => ({ at: a.occurredAt as Date, key: `activity:${a._id.toHexString()}` })),
      ...[...own, ...lead].map((e) => ({ at: e.at as Date, key: `audit:${e._id.toHexString()}` })),
    ]);
  };

  const path = `/api/v1/customers/${customer.id}/timeline?limit=${PAGE}`;
  const auth = s.bearer(tenant);
  const viaApi = (await (await fetch(`${s.url}${path}`, { headers: auth })).json()) as {
    data: Array<{ kind: string; at: string; ref: { id: string } }>;
  };
  const viaDriver = await driverPage();
  const apiKeys = viaApi.data.map((e) => e.at).join();
  const driverKeys = viaDriver.map((e) => e.at.toISOString()).join();
  if (viaApi.data.length !== PAGE || apiKeys !== driverKeys) {
    throw new Error('the API timeline page and the driver queries return different entries');
  }
  if (!viaApi.data.some((e) => e.kind === ACTIVITY_TIMELINE_KIND)) throw new Error('no activity on the page');

  const comparison = await s.compare(
    `GET /customers/:id/timeline (${PAGE} of ${total}) vs driver queries`,
    { label: 'driver queries', run: s.ops(driverPage) },
    { label: 'API', run: s.http([{ path, headers: auth }]) },
    { metric: 'throughputRatio', bound: 0.6, text: '≥ 0.60' },
  );
  return { comparison, entries: total };
}

async function rollupCost(s: BenchSession): Promise<Comparison> {
  const tenant: BenchTenant = await s.newTenant('activity-rollup');
  const companyId = await s.newCompany(tenant);
  const customers = s.app.get(CustomerService);
  const ids = await s.inTenant(tenant, async () => {
    const out: string[] = [];
    for (let i = 0; i < WRITE_CUSTOMERS; i++) out.push((await customers.create({ companyId, name: `Writes ${i}` })).id);
    return out;
  });
  const service = s.app.get(ActivityService);
  // The rollup switched off for the baseline side only: the same writes, with neither of the rollup's two
  // paths (a logged note raises lastActivityAt through `added`; tasks and the rest recount through `refresh`).
  const rollups = s.app.get(ActivityRollups);
  const scoring = s.app.get(ScoreUpdatesListener);
  const activities = s.connections.root.getClient().db(tenant.dbName).collection('activities');
  const log = (i: number) =>
    s.inTenant(tenant, () =>
      service.create({ type: ActivityType.NOTE, subject: `note ${i}`, customerId: ids[i % ids.length] }),
    );
  // Every round starts from the same state: each note re-scores its customer after the response, which
  // reads the customer's activities (a scan on FerretDB), so notes left from earlier rounds would make
  // each round slower than the one before, and re-scores still queued would run in the next side's round.
  const measured = (load: (sec: number) => Promise<LoadResult>) => async (sec: number) => {
    const result = await load(sec);
    await scoring.idle();
    await activities.deleteMany({});
    return result;
  };
  const without = measured(s.ops(log));
  const withRollup = measured(s.ops(log));
  return s.compare(
    'note logged: rollup off vs rollup kept',
    {
      label: 'no rollup',
      run: async (sec) => {
        rollups.refresh = async () => undefined;
        rollups.added = async () => undefined;
        try {
          return await without(sec);
        } finally {
          Reflect.deleteProperty(rollups, 'refresh');
          Reflect.deleteProperty(rollups, 'added');
        }
      },
    },
    { label: 'rollup', run: withRollup },
    { metric: 'throughputRatio', bound: 0.9, text: '≥ 0.90 (cost ≤ 10%)' },
  );
}
