import { Types } from 'mongoose';
import type { Scenario } from '../support/scenario';

/** The API's point read beside the same findOne through the raw driver, same database, same concurrency. */
export const companiesRead: Scenario = {
  name: 'companies-read',
  description: 'GET /api/v1/companies/:id through the API vs findOne through the raw driver',
  async run(s) {
    const tenant = await s.newTenant('read');
    const companyId = await s.newCompany(tenant);
    const _id = new Types.ObjectId(companyId);
    const collection = s.connections.root.getClient().db(tenant.dbName).collection('companies');

    const comparison = await s.compare(
      'GET /companies/:id vs driver findOne',
      {
        label: 'driver findOne',
        run: s.ops(async () => {
          if (!(await collection.findOne({ _id }))) throw new Error('company not found');
        }),
      },
      { label: 'API', run: s.http([{ path: `/api/v1/companies/${companyId}`, headers: s.bearer(tenant) }]) },
      { metric: 'throughputRatio', bound: 0.7, text: '≥ 0.70' },
    );
    return {
      comparisons: [comparison],
      metrics: [],
      notes: [
        'The API side includes HTTP parsing, JWT verification, tenant resolution, validation and JSON ' +
          'serialisation, and its load generator runs in a worker thread of the same process; the driver side ' +
          'is a bare findOne loop. Same collection, same connection pool, same concurrency.',
      ],
    };
  },
};
