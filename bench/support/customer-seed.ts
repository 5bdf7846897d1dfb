import { Types } from 'mongoose';
import { customerSearchTokens } from '../../src/modules/customer/customer-search';
import { CustomerSize, CustomerSource, CustomerStatus } from '../../src/modules/customer/customer.enums';
import type { Contact } from '../../src/domain/contacts';
import { externalKeyOf } from '../../src/domain/external-id';
import type { Customer } from '../../src/modules/customer/schemas/customer.schema';
import type { BenchSession, BenchTenant } from './bench-session';

export interface CustomerFixture {
  tenant: BenchTenant;
  companyIds: string[];
  count: number;
  /** Ids spread over the whole collection, for point reads. */
  sampleIds: Types.ObjectId[];
  /** Whole words that each occur in about ten customers: needles for the search scenario. */
  rareWords: string[];
}

/**
 * Concurrency of the scan-bound customer scenarios (list, search): on FerretDB every such query
 * scans, two cores are saturated long before 16 are in flight and more only queue (stretching
 * each round by minutes). Both sides of a comparison use the same.
 */
export const SCAN_CONCURRENCY = 4;

const COMPANIES = 5;
const BATCH = 1000;
/** Each generated name word is shared by about this many customers. */
const CUSTOMERS_PER_WORD = 10;
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'be', 'do', 'fa', 'gu', 'ha', 'ji', 'ko', 'pe'];
const SUFFIXES = ['GmbH', 'Ltd', 'Inc', 'AB', 'SARL', 'BV', 'Oy', 'AG', 'LLC', 'SpA'];
const FIRST = ['Anna', 'Ben', 'Chloe', 'David', 'Emma', 'Felix', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Karin', 'Liam'];
const LAST = ['Meyer', 'Novak', 'Okafor', 'Petrov', 'Quinn', 'Rossi', 'Silva', 'Tanaka', 'Ulrich', 'Varga'];
const TAGS = ['vip', 'smb', 'enterprise', 'partner', 'newsletter', 'trial', 'renewal', 'emea', 'apac', 'amer'];
const INDUSTRIES = ['software', 'retail', 'logistics', 'energy', 'health', 'finance', 'media', 'manufacturing'];
const DAY_MS = 86_400_000;

/** The run's customer tenant, seeded once for all customer scenarios (--customers=N). */
export function customerFixture(s: BenchSession): Promise<CustomerFixture> {
  return s.shared('customers', () => seedCustomers(s, s.options.customers));
}

/**
 * A tenant with `count` customers spread over `companies` companies (five unless told), inserted in batches straight into
 * the tenant's collection (seeding 100k through the API would take longer than the benchmark).
 * Documents have exactly the shape CustomerService.create writes, search tokens included, and
 * the tenant was provisioned by TenantService, so the collection has its production indexes.
 */
export async function seedCustomers(s: BenchSession, count: number, companies = COMPANIES): Promise<CustomerFixture> {
  const tenant = await s.newTenant('customers');
  const companyIds: string[] = [];
  for (let i = 0; i < companies; i++) companyIds.push(await s.newCompany(tenant, `Business unit ${i + 1}`));
  const collection = s.connections.root.getClient().db(tenant.dbName).collection('customers');
  const vocabulary = Math.max(1, Math.floor(count / CUSTOMERS_PER_WORD));
  const random = seededRandom(42);
  const started = Date.now();
  const sampleEvery = Math.max(1, Math.floor(count / 1000));
  const sampleIds: Types.ObjectId[] = [];
  for (let first = 0; first < count; first += BATCH) {
    const docs: Array<Customer & { _id: Types.ObjectId }> = [];
    for (let i = first; i < Math.min(count, first + BATCH); i++) {
      const doc = customerDoc(i, word(i % vocabulary), companyIds[i % companies], random);
      if (i % sampleEvery === 0) sampleIds.push(doc._id);
      docs.push(doc);
    }
    await collection.insertMany(docs, { ordered: false });
    if ((first / BATCH) % 20 === 19) s.log(`customers: ${first + docs.length}/${count} inserted`);
  }
  s.log(`customers: ${count} inserted in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const rareWords = Array.from({ length: Math.min(50, vocabulary) }, (_, k) =>
    word(Math.floor((k * vocabulary) / Math.min(50, vocabulary))),
  );
  return { tenant, companyIds, count, sampleIds, rareWords };
}

/** Distinct 8-letter pseudo-words: word(k) for k < 65536 never repeats and never contains another. */
export function word(k: number): string {
  let out = '';
  for (let d = 0; d < 4; d++) {
    out += SYLLABLES[k % SYLLABLES.length];
    k = Math.floor(k / SYLLABLES.length);
  }
  return out;
}

function customerDoc(
  i: number,
  nameWord: string,
  companyId: string,
  random: () => number,
): Customer & { _id: Types.ObjectId } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const name = `${capitalise(nameWord)} ${pick(SUFFIXES)} ${i}`;
  const createdAt = new Date(Date.now() - Math.floor(random() * 365 * DAY_MS));
  const updatedAt = new Date(createdAt.getTime() + Math.floor(random() * 30 * DAY_MS));
  const r = random();
  const status = r < 0.7 ? CustomerStatus.ACTIVE : r < 0.9 ? CustomerStatus.INACTIVE : CustomerStatus.CHURNED;
  const contacts: Contact[] = Array.from({ length: 1 + Math.floor(random() * 2) }, (_, c) => {
    const first = pick(FIRST);
    const last = pick(LAST);
    return {
      _id: new Types.ObjectId(),
      firstName: first,
      lastName: last,
      name: `${first} ${last}`,
      email: `${first}.${last}@${nameWord}.example`.toLowerCase(),
      phone: null,
      title: null,
      isPrimary: c === 0,
    };
  });
  const fields = {
    name,
    email: `office${i}@${nameWord}.example`,
    phone: `+1555${String(1_000_000 + i).slice(-7)}`,
    website: `https://www.${nameWord}.example`,
    tags: [pick(TAGS), pick(TAGS)].filter((t, k, all) => all.indexOf(t) === k),
    contacts,
  };
  const _id = new Types.ObjectId();
  return {
    ...fields,
    _id,
    companyId,
    nameSort: name.toLowerCase(),
    status,
    source: pick([CustomerSource.DIRECT, CustomerSource.REFERRAL, CustomerSource.WEBSITE, CustomerSource.EVENT]),
    industry: pick(INDUSTRIES),
    size: pick(Object.values(CustomerSize)),
    address: null,
    notes: null,
    externalId: null,
    externalKey: externalKeyOf(_id, null),
    assignedTo: `user-${Math.floor(random() * 10)}`,
    totalRevenueMinor: Math.floor(random() * 1_000_000),
    purchaseCount: Math.floor(random() * 20),
    revenueRefs: [],
    leadId: null,
    statusHistory: [{ from: null, to: status, reason: null, by: 'bench', at: createdAt }],
    searchTokens: customerSearchTokens(fields),
    deletedAt: null,
    createdBy: 'bench',
    updatedBy: 'bench',
    createdAt,
    updatedAt,
    version: 1,
  };
}

function capitalise(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/** Deterministic data from run to run (mulberry32). */
function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
