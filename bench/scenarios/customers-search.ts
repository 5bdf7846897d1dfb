import type { Document, Filter } from 'mongodb';
import { escapeRegex } from '@app/common';
import { customerListFilter } from '../../src/modules/customer/customer-search';
import { customerFixture, SCAN_CONCURRENCY } from '../support/customer-seed';
import type { Scenario } from '../support/scenario';

const PAGE = 25;

/** The fields the search covers (DESIGN §4), as a regex scan would have to look at them. */
const SEARCHED_FIELDS = ['name', 'email', 'phone', 'website', 'tags', 'contacts.name', 'contacts.email'];

/**
 * Search over many customers in one tenant: `q` through the API (word-prefix tokens with a
 * multikey index) beside what search without them would be: an unanchored, case-insensitive
 * regex over every searched field, which has to look at every document.
 */
export const customersSearch: Scenario = {
  name: 'customers-search',
  description: 'GET /api/v1/customers?q= (index-backed tokens) vs an unanchored case-insensitive regex scan',
  async run(s) {
    const f = await customerFixture(s);
    const collection = s.connections.root.getClient().db(f.tenant.dbName).collection('customers');
    const auth = s.bearer(f.tenant);
    const newestFirst = (filter: Filter<Document>) =>
      collection
        .find(filter)
        .sort({ createdAt: -1, _id: -1 })
        .limit(PAGE + 1)
        .toArray();
    const regexScan = (word: string) => {
      const re = new RegExp(escapeRegex(word), 'i');
      return newestFirst({ deletedAt: null, $or: SEARCHED_FIELDS.map((field) => ({ [field]: re })) });
    };
    // Exactly the filter the service builds for `?q=`.
    const tokenQuery = (word: string) => newestFirst(customerListFilter({ q: word }, undefined) ?? {});

    // The three must find the same customers, or the comparison would compare different work.
    const sample = f.rareWords[0];
    const ids = (rows: Array<{ _id: { toHexString(): string } }>) => rows.map((r) => r._id.toHexString()).join();
    const api = (await (await fetch(`${s.url}/api/v1/customers?q=${sample}`, { headers: auth })).json()) as {
      data: Array<{ id: string }>;
    };
    const [byRegex, byTokens] = await Promise.all([regexScan(sample), tokenQuery(sample)]);
    if (byRegex.length === 0 || ids(byRegex) !== ids(byTokens) || api.data.map((c) => c.id).join() !== ids(byRegex)) {
      throw new Error(`search for "${sample}": API, token query and regex scan disagree`);
    }

    const c = Math.min(SCAN_CONCURRENCY, s.options.connections);
    const regexSide = {
      label: 'driver regex scan',
      run: s.ops((i) => regexScan(f.rareWords[i % f.rareWords.length]), c),
    };
    const viaApi = await s.compare(
      `search q over ${f.count} customers: API vs driver regex scan`,
      regexSide,
      {
        label: 'API ?q= (tokens)',
        run: s.http(
          f.rareWords.map((w) => ({ path: `/api/v1/customers?q=${w}`, headers: auth })),
          c,
        ),
      },
      { metric: 'throughputRatio', bound: 20, text: '≥ 20×' },
      c,
    );
    const viaDriver = await s.compare(
      `search over ${f.count} customers: driver token query vs regex scan`,
      regexSide,
      { label: 'driver token query', run: s.ops((i) => tokenQuery(f.rareWords[i % f.rareWords.length]), c) },
      undefined,
      c,
    );
    return {
      comparisons: [viaApi, viaDriver],
      metrics: [
        { name: 'customers in the tenant', value: f.count, unit: '' },
        { name: 'customers matching each searched word', value: byRegex.length, unit: '' },
      ],
      notes: [
        `Needles are ${f.rareWords.length} whole words that each occur in about ten customers, so neither side ` +
          'can stop early; both return the same customers newest first (checked before measuring).',
        'FerretDB v1 decides how much the index helps: its SQLite handler pushes down only _id filters, so the ' +
          'token query is a scan inside FerretDB too (cheaper per document than seven regexes); its PostgreSQL ' +
          'handler pushes the one-token equality down to PostgreSQL (jsonb containment, no document decoded in ' +
          'FerretDB) while the regex is still decoded and matched document by document; on MongoDB the multikey ' +
          'index on searchTokens answers it without a scan.',
      ],
    };
  },
};
