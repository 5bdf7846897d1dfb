import { type IncomingMessage, request } from 'node:http';
import { Readable } from 'node:stream';
import { deleteAllMatching, inWriteChunks } from '@app/tenancy';
import { ImportRunner, ImportService } from '../../src/modules/data-exchange';
import type { BenchSession, BenchTenant } from '../support/bench-session';
import type { Metric, Scenario } from '../support/scenario';
import { alternate, heapPeak, median, ratioAtLeast, time } from '../support/timing';

/** Operations in one batch request (the route's maximum; 10 in smoke). */
const BATCH_OPS = 100;
const SMOKE_BATCH_OPS = 10;
/** Timed batch requests per side and round (1 in smoke: on FerretDB each upsert scans the customers). */
const BATCH_CALLS = 5;
const INSERT_CHUNK = 1000;

type Db = ReturnType<ReturnType<BenchSession['connections']['root']['getClient']>['db']>;

/**
 * Data in and out, four figures in one run (rows: `--customers`, 1,000 in smoke):
 * (1) a CSV import of N customer rows through the module (upload stored, background run, every row a
 * customer with its audit entry, event and counters) ÷ a raw-driver `insertMany` of the same documents
 * (as the import stored them) in chunks of 1,000; (2) the import's heap peak at N/10 and at N rows;
 * (3) `GET /customers/export` of the N customers as CSV over HTTP ÷ a raw-driver cursor over the same
 * documents (same filter, order and projection); (4) `POST /customers/batch` of 100 upserts by
 * externalId ÷ a driver `bulkWrite` of the same 100 upserts on a copy of the same collection, taken while
 * the tenant holds the N/10 customers of the heap probe.
 * Ratios are baseline time ÷ module time (≥ 0.5 wanted).
 */
export const dataExchange: Scenario = {
  name: 'data-exchange',
  description: 'CSV import vs insertMany; import heap at N/10 vs N rows; export vs raw cursor; batch vs bulkWrite',
  async run(s) {
    const rows = s.options.smoke ? 1_000 : s.options.customers;
    const small = Math.max(100, Math.floor(rows / 10));
    const rounds = Math.max(1, s.options.rounds);
    const batchOps = s.options.smoke ? SMOKE_BATCH_OPS : BATCH_OPS;
    const batchCalls = s.options.smoke ? 1 : BATCH_CALLS;
    const tenant = await s.newTenant('exchange');
    const db = s.connections.root.getClient().db(tenant.dbName);
    const customers = db.collection('customers');

    const headers = s.bearer(tenant);

    // (2) heap: the small import first (it also warms the import path up), the large one is timed in (1).
    const smallCompany = await s.newCompany(tenant, 'Heap probe');
    const smallHeap = await heapPeak(() => importCsv(s, tenant, smallCompany, small));

    // (4) batch of 100 upserts vs bulkWrite, with the small import's N/10 customers in the tenant: on
    // FerretDB each of the baseline's 100 upserts scans the collection (only _id filters are pushed
    // down), which at N customers would take hours per call; the figure is about the batch, not the scan.
    const batched = await batchVsBulkWrite(s, tenant, db, headers, rounds, batchOps, batchCalls);
    await deleteAllMatching(customers, { companyId: smallCompany });
    await deleteAllMatching(customers, { companyId: batched.company });

    // (1) import vs insertMany. Each module round imports into a company of its own; every round but
    // the last is removed again, so all rounds start from the same collection size.
    const scratch = db.collection('bench_customers');
    let company = '';
    let largeHeap = 0;
    let round = 0;
    const moduleImport = async () => {
      if (company) await deleteAllMatching(customers, { companyId: company });
      company = await s.newCompany(tenant, `Import ${++round}`);
      const target = company;
      let ms = 0;
      largeHeap = Math.max(
        largeHeap,
        await heapPeak(async () => (ms = await time(() => importCsv(s, tenant, target, rows)))),
      );
      return ms;
    };
    const driverInsert = async () => {
      if (!company) await moduleImport();
      await deleteAllMatching(scratch, {});
      return insertCopies(customers, scratch, company);
    };
    const imported = await alternate(rounds, driverInsert, moduleImport);
    const stored = await customers.countDocuments({ companyId: company, deletedAt: null });
    if (stored !== rows) throw new Error(`the import stored ${stored} customers of ${rows} rows`);

    // The floor under (1): what the import stores per row besides the customer (its audit entry, its event in
    // the company's realtime log), copied with insertMany like the baseline. No design that keeps a row's audit
    // entry and event can store them for less on this server.
    const floorCopies = await Promise.all(
      ['customers', 'audit_events', 'realtime_events'].map(async (name) => {
        const into = db.collection(`bench_floor_${name}`);
        await deleteAllMatching(into, {});
        const from = db.collection(name);
        const docs = await from.countDocuments({ companyId: company });
        return { name, docs, from, into };
      }),
    );
    let floorMs = 0;
    for (const f of floorCopies) floorMs += await insertCopies(f.from, f.into, company);
    for (const f of floorCopies) await deleteAllMatching(f.into, {});
    s.log(
      `data-exchange: floor: insertMany of ${floorCopies.map((f) => `${f.docs} ${f.name}`).join(', ')}: ` +
        `${Math.round(floorMs)} ms`,
    );

    // (3) export vs raw cursor, the last import's customers.
    const exportUrl = `${s.url}/api/v1/customers/export?companyId=${company}&format=csv`;
    s.log(
      `data-exchange: import of ${rows} rows: insertMany ${Math.round(imported.baseline)} ms, module ` +
        `${Math.round(imported.subject)} ms; heap peak ${Math.round(smallHeap / 1_048_576)} MB at ${small} rows, ` +
        `${Math.round(largeHeap / 1_048_576)} MB at ${rows}`,
    );
    const viaApi = async () => {
      let lines = 0;
      const ms = await time(async () => (lines = await countLines(exportUrl, headers)));
      if (lines !== rows + 1) throw new Error(`export answered ${lines} lines for ${rows} customers`);
      return ms;
    };
    const viaCursor = async () => {
      let n = 0;
      const ms = await time(async () => {
        const cursor = customers
          .find({ companyId: company, deletedAt: null }, { projection: { searchTokens: 0 } })
          .sort({ _id: 1 })
          .batchSize(500);
        for await (const _ of cursor) n++;
      });
      if (n !== rows) throw new Error(`the cursor read ${n} customers of ${rows}`);
      return ms;
    };
    const exported = await alternate(rounds, viaCursor, viaApi);

    s.log(`data-exchange: export: cursor ${Math.round(exported.baseline)} ms, API ${Math.round(exported.subject)} ms`);
    const importRatio = imported.baseline / imported.subject;
    const heapRatio = largeHeap / Math.max(1, smallHeap);
    const exportRatio = exported.baseline / exported.subject;
    const batchRatio = batched.baseline / batched.subject;
    const mb = (bytes: number) => bytes / 1_048_576;
    const metrics: Metric[] = [
      { name: 'rows imported / exported', value: rows, unit: '' },
      { name: 'import: driver insertMany (median)', value: imported.baseline, unit: 'ms' },
      { name: 'import: module (median)', value: imported.subject, unit: 'ms' },
      { name: 'import: module rows/s', value: (rows / imported.subject) * 1000, unit: '/s' },
      ratioAtLeast('import ratio (insertMany ÷ module)', importRatio, 0.5),
      { name: 'import floor: insertMany of customers + audit entries + events', value: floorMs, unit: 'ms' },
      { name: 'floor ratio (insertMany of customers ÷ floor)', value: imported.baseline / floorMs, unit: '×' },
      { name: 'module ÷ floor (floor ms ÷ module ms)', value: floorMs / imported.subject, unit: '×' },
      { name: `import heap peak at ${small} rows`, value: mb(smallHeap), unit: 'MB' },
      { name: `import heap peak at ${rows} rows`, value: mb(largeHeap), unit: 'MB' },
      { name: 'heap peak ratio (N ÷ N/10)', value: heapRatio, unit: '×', target: '≤ 1.3', met: heapRatio <= 1.3 },
      { name: 'export: driver cursor (median)', value: exported.baseline, unit: 'ms' },
      { name: 'export: API CSV (median)', value: exported.subject, unit: 'ms' },
      ratioAtLeast('export ratio (cursor ÷ API)', exportRatio, 0.5),
      { name: 'customers in the tenant during the batch', value: small + batchOps, unit: '' },
      { name: `batch of ${batchOps} upserts: driver bulkWrite (median)`, value: batched.baseline, unit: 'ms' },
      { name: `batch of ${batchOps} upserts: API (median)`, value: batched.subject, unit: 'ms' },
      ratioAtLeast('batch ratio (bulkWrite ÷ API)', batchRatio, 0.5),
    ];
    return {
      comparisons: [],
      metrics,
      notes: [
        'The import is timed from the upload to the end of its background run; every row is a CustomerService ' +
          'create (validation, natural keys, audit entry, event, counters). insertMany writes the stored documents ' +
          'and nothing else.',
        'The floor copies, with the same insertMany, the documents the import stored per row: the customers, ' +
          'their audit entries and their events in the company realtime log (pruned to its bound). When ' +
          'insertMany of the customers ÷ floor is itself below 0.5, the store sets the limit for any import that ' +
          'keeps an audit entry and an event per row.',
        'Heap peaks are the process heap above its level before each import, sampled every 10 ms; the CSV is ' +
          'generated as a stream, so neither side holds the file.',
        'The batch baseline upserts by (companyId, externalId) on a copy of the tenant customers collection ' +
          '(FerretDB pushes only _id filters down, so both sides scan a collection of the same size).',
      ],
    };
  },
};

/**
 * (4) `POST /customers/batch` of `batchOps` upserts by externalId ÷ a driver `bulkWrite` of the same upserts,
 * on a company of its own with the records in place, the driver on a copy of the whole customers collection
 * (same size, same documents). Returns both medians and the company (the caller removes its customers).
 */
async function batchVsBulkWrite(
  s: BenchSession,
  tenant: BenchTenant,
  db: Db,
  headers: Record<string, string>,
  rounds: number,
  batchOps: number,
  batchCalls: number,
): Promise<{ baseline: number; subject: number; company: string }> {
  const customers = db.collection('customers');
  const batchCompany = await s.newCompany(tenant, 'Batch');
  const batchUrl = `${s.url}/api/v1/customers/batch`;
  const upserts = (tag: string) => ({
    operations: Array.from({ length: batchOps }, (_, i) => ({
      op: 'upsert',
      match: { externalId: `bx-${i}` },
      data: { companyId: batchCompany, name: `Batch customer ${i} ${tag}` },
    })),
  });
  const postBatch = async (tag: string) => {
    const res = await send(batchUrl, 'POST', headers, JSON.stringify(upserts(tag)));
    let text = '';
    for await (const chunk of res) text += String(chunk);
    const body = JSON.parse(text) as { results?: Array<{ status: number }> };
    const bad = body.results?.filter((r) => r.status >= 300).length ?? batchOps;
    if (res.statusCode !== 200 || bad)
      throw new Error(`batch answered ${res.statusCode} with ${bad} failed operations`);
  };
  await postBatch('created');
  const copy = db.collection('bench_batch');
  await deleteAllMatching(copy, {});
  await insertCopies(customers, copy, null);
  let call = 0;
  const viaBatch = async () => {
    const times: number[] = [];
    for (let i = 0; i < batchCalls; i++) times.push(await time(() => postBatch(`r${++call}`)));
    return median(times);
  };
  const viaBulkWrite = async () => {
    const times: number[] = [];
    for (let i = 0; i < batchCalls; i++) {
      const tag = `d${++call}`;
      const ops = upserts(tag).operations.map((o) => ({
        updateOne: {
          filter: { companyId: batchCompany, externalId: o.match.externalId, deletedAt: null },
          update: { $set: { name: o.data.name, updatedAt: new Date() }, $inc: { version: 1 } },
          upsert: true,
        },
      }));
      times.push(
        // FerretDB never answers a write command of 100 statements: the same chunks the module uses.
        await time(() => inWriteChunks(ops, (chunk) => copy.bulkWrite(chunk, { ordered: false }))),
      );
    }
    return median(times);
  };
  const batched = await alternate(rounds, viaBulkWrite, viaBatch);
  await deleteAllMatching(copy, {});
  return { ...batched, company: batchCompany };
}

/** Uploads `rows` generated CSV rows into the company and waits for the background run to end. */
async function importCsv(s: BenchSession, tenant: BenchTenant, companyId: string, rows: number): Promise<void> {
  const imports = s.app.get(ImportService);
  const { id } = await s.inTenant(tenant, () =>
    imports.accept({
      fields: { companyId, entity: 'customers', mode: 'create' },
      file: { filename: 'bench.csv', mimetype: 'text/csv', stream: Readable.from(csvRows(rows, companyId)) },
    }),
  );
  await s.app.get(ImportRunner).idle();
  const job = await s.inTenant(tenant, () => imports.get(id));
  if (job.status !== 'completed' || job.created !== rows) {
    throw new Error(`import ${id} ended ${job.status} with ${job.created} created of ${rows}`);
  }
}

function* csvRows(rows: number, tag: string): Generator<Buffer> {
  yield Buffer.from('name,email,externalId,industry,tags,notes\n');
  for (let first = 0; first < rows; first += 500) {
    let chunk = '';
    for (let i = first; i < Math.min(rows, first + 500); i++) {
      chunk +=
        `"Imported ${i}, ${tag.slice(-6)} Ltd",row${i}@${tag.slice(-6)}.example.com,imp-${tag.slice(-6)}-${i},` +
        `software,"smb,emea","Row ${i} of the bench import"\n`;
    }
    yield Buffer.from(chunk);
  }
}

/** Copies the customers of `companyId` (or all) into `into` with insertMany; returns the insert time only. */
async function insertCopies(
  from: ReturnType<Db['collection']>,
  into: ReturnType<Db['collection']>,
  companyId: string | null,
): Promise<number> {
  let ms = 0;
  let docs: Array<Record<string, unknown>> = [];
  const flush = async () => {
    const chunk = docs;
    docs = [];
    if (chunk.length) ms += await time(() => into.insertMany(chunk, { ordered: false }));
  };
  for await (const doc of from.find(companyId ? { companyId } : {})) {
    docs.push(doc);
    if (docs.length === INSERT_CHUNK) await flush();
  }
  await flush();
  return ms;
}

/** Lines of the response body (streamed, not held). */
async function countLines(url: string, headers: Record<string, string>): Promise<number> {
  const res = await send(url, 'GET', headers);
  if (res.statusCode !== 200) throw new Error(`export answered ${res.statusCode}`);
  let lines = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    for (const byte of chunk) if (byte === 10) lines++;
  }
  return lines;
}

/**
 * One HTTP request without a client-side time limit (fetch gives up on headers after 300 s, which a
 * batch of 100 upserts on a loaded FerretDB can take).
 */
function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: body ? { ...headers, 'content-type': 'application/json' } : headers });
    req.on('response', resolve).on('error', reject);
    req.end(body);
  });
}
