import { toCustomerResponse } from '../../src/modules/customer/customer.mapper';
import type { CustomerLean } from '../../src/modules/customer/schemas/customer.schema';
import { customerFixture } from '../support/customer-seed';
import type { Scenario } from '../support/scenario';

/** Ids whose API answer is compared with the driver's document before measuring. */
const CHECKED = 50;

/** GET /customers/:id beside the same findOne through the raw driver, over a spread of ids. */
export const customersRead: Scenario = {
  name: 'customers-read',
  description: 'GET /api/v1/customers/:id through the API vs findOne through the raw driver',
  async run(s) {
    const f = await customerFixture(s);
    const collection = s.connections.root.getClient().db(f.tenant.dbName).collection('customers');
    const auth = s.bearer(f.tenant);
    // Both sides read the same records: for a spread of the ids, the API's body is the driver's
    // document (the baseline's own query) through the module's mapper.
    const step = Math.max(1, Math.floor(f.sampleIds.length / CHECKED));
    for (let i = 0; i < f.sampleIds.length; i += step) {
      const _id = f.sampleIds[i];
      const doc = await collection.findOne({ _id }, { projection: { searchTokens: 0 } });
      await s.expectApiMatches(
        { path: `/api/v1/customers/${_id.toHexString()}`, headers: auth },
        toCustomerResponse(doc as unknown as CustomerLean),
      );
    }
    const comparison = await s.compare(
      'GET /customers/:id vs driver findOne',
      {
        label: 'driver findOne',
        // CustomerRepository.findOne's query: by bare _id (the form FerretDB's SQLite handler pushes
        // down), search tokens left out, the soft-delete checked on the row.
        run: s.ops(async (i) => {
          const _id = f.sampleIds[i % f.sampleIds.length];
          const found = await collection.findOne({ _id }, { projection: { searchTokens: 0 } });
          if (!found || found.deletedAt !== null) throw new Error('customer not found');
        }),
      },
      {
        label: 'API',
        run: s.http(f.sampleIds.map((id) => ({ path: `/api/v1/customers/${id.toHexString()}`, headers: auth }))),
      },
      { metric: 'throughputRatio', bound: 0.7, text: '≥ 0.70' },
    );
    return {
      comparisons: [comparison],
      metrics: [{ name: 'customers in the tenant', value: f.count, unit: '' }],
      notes: [
        `Reads cycle over ${f.sampleIds.length} ids spread across the collection on both sides. The API also ` +
          'serialises the whole customer (contacts, status history) to JSON and sets an ETag.',
      ],
    };
  },
};
