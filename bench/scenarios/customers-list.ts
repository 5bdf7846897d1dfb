import { CustomerStatus } from '../../src/modules/customer/customer.enums';
import { customerFixture, SCAN_CONCURRENCY } from '../support/customer-seed';
import type { Scenario } from '../support/scenario';

const PAGE = 25;

/** A filtered first page through the API beside the equivalent find through the raw driver. */
export const customersList: Scenario = {
  name: 'customers-list',
  description: 'GET /api/v1/customers?companyId=&status=active vs the equivalent find through the raw driver',
  async run(s) {
    const f = await customerFixture(s);
    const collection = s.connections.root.getClient().db(f.tenant.dbName).collection('customers');
    const auth = s.bearer(f.tenant);
    const path = (companyId: string) =>
      `/api/v1/customers?companyId=${companyId}&status=${CustomerStatus.ACTIVE}&limit=${PAGE}`;
    // The service's query: live customers of the company with the status, newest first, one extra
    // row to know whether there is a next page, search tokens left out.
    const find = (companyId: string) =>
      collection
        .find({ deletedAt: null, companyId, status: CustomerStatus.ACTIVE }, { projection: { searchTokens: 0 } })
        .sort({ createdAt: -1, _id: -1 })
        .limit(PAGE + 1)
        .toArray();

    const viaApi = (await (await fetch(`${s.url}${path(f.companyIds[0])}`, { headers: auth })).json()) as {
      data: Array<{ id: string }>;
    };
    const viaDriver = await find(f.companyIds[0]);
    if (
      viaApi.data.map((c) => c.id).join() !==
      viaDriver
        .slice(0, PAGE)
        .map((c) => c._id.toHexString())
        .join()
    ) {
      throw new Error('the API page and the driver find return different customers');
    }

    const c = Math.min(SCAN_CONCURRENCY, s.options.connections);
    const comparison = await s.compare(
      'GET /customers (company + status, 25) vs driver find',
      {
        label: 'driver find',
        run: s.ops(async (i) => {
          const rows = await find(f.companyIds[i % f.companyIds.length]);
          if (rows.length === 0) throw new Error('empty page');
        }, c),
      },
      {
        label: 'API',
        run: s.http(
          f.companyIds.map((id) => ({ path: path(id), headers: auth })),
          c,
        ),
      },
      { metric: 'throughputRatio', bound: 0.6, text: '≥ 0.60' },
      c,
    );
    return {
      comparisons: [comparison],
      metrics: [{ name: 'customers in the tenant', value: f.count, unit: '' }],
      notes: [
        'Both sides return the same 25 customers (checked before measuring). The API additionally checks ' +
          'that the company exists and is visible (one findById) and encodes a keyset cursor.',
      ],
    };
  },
};
