import { Types } from 'mongoose';
import { toCompanyResponse } from '../../src/modules/company/company.mapper';
import type { CompanyLean } from '../../src/modules/company/schemas/company.schema';
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
    const route = { path: `/api/v1/companies/${companyId}`, headers: s.bearer(tenant) };
    // Both sides read the same record: the API's body is the driver's document through the mapper.
    await s.expectApiMatches(route, toCompanyResponse((await collection.findOne({ _id })) as unknown as CompanyLean));

    const comparison = await s.compare(
      'GET /companies/:id vs driver findOne',
      {
        label: 'driver findOne',
        run: s.ops(async () => {
          if (!(await collection.findOne({ _id }))) throw new Error('company not found');
        }),
      },
      { label: 'API', run: s.http([route]) },
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
