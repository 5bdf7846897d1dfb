import { parse } from 'csv-parse/sync';
import { Failpoints, TenantRunner } from '@app/tenancy';
import { ScoreUpdatesListener } from '../src/modules/analytics';
import { IMPORT_BATCH_ROWS, ImportFailpoint, ImportRunner, ImportService } from '../src/modules/data-exchange';
import { connectRealtime } from '@app/testing';
import {
  expectProblem,
  newCompany,
  newTenant,
  startTestApp,
  TenantFixture,
  tenantDatabase,
  TestApp,
} from './support/test-app';

// Imports run in the background over hundreds of rows (and a 10 MB line): slow on a loaded machine.
jest.setTimeout(180_000);

const IMPORTS = '/api/v1/imports';
const CUSTOMERS = '/api/v1/customers';

describe('Imports', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let companyA: string;
  let companyA2: string;
  let companyB: string;

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'ima'), newTenant(t, 'imb')]);
    [companyA, companyA2, companyB] = await Promise.all([newCompany(a), newCompany(a), newCompany(b)]);
  });
  afterAll(async () => {
    await t.app.get(ImportRunner).idle();
    await t.close();
  });

  type Form = Record<string, string>;
  const upload = (client: TenantFixture['member'], file: Buffer | string, name: string, form: Form) => {
    let req = client.post(IMPORTS);
    for (const [k, v] of Object.entries(form)) req = req.field(k, v);
    return req.attach('file', Buffer.isBuffer(file) ? file : Buffer.from(file, 'utf8'), name);
  };
  const settle = async (client: TenantFixture['member'], id: string) => {
    await t.app.get(ImportRunner).idle();
    return (await client.get(`${IMPORTS}/${id}`).expect(200)).body;
  };
  const importCsv = async (csv: string | Buffer, form: Form, client = a.member) => {
    const res = await upload(client, csv, 'rows.csv', { entity: 'customers', companyId: companyA, ...form });
    expect(res.status).toBe(202);
    return settle(client, res.body.id);
  };
  const byExternalId = async (externalId: string, client = a.viewer) =>
    (await client.get(`${CUSTOMERS}?externalId=${encodeURIComponent(externalId)}`).expect(200)).body.data[0];

  it('imports a CSV: BOM, `;` delimiter, quoted fields with embedded newlines and quotes; row errors reported', async () => {
    const csv =
      '\uFEFFname;email;externalId;notes;tags;city\r\n' +
      'Alpha GmbH;alpha@imp.test;imp-a;"two\nlines; ""quoted""";vip;Berlin\r\n' +
      ';missing@imp.test;imp-b;;;\r\n' +
      'Gamma;not-an-email;imp-c;;;\r\n' +
      'Delta;delta@imp.test;imp-d;;"[""x"",""y""]";\r\n';
    const job = await importCsv(csv, {});
    expect(job).toMatchObject({ status: 'completed', total: 4, processed: 4, created: 2, failed: 2, updated: 0 });
    expect(job.errors).toEqual([
      { row: 2, field: 'name', message: expect.any(String) },
      { row: 3, field: 'email', message: expect.any(String) },
    ]);
    const alpha = await byExternalId('imp-a');
    expect(alpha).toMatchObject({
      name: 'Alpha GmbH',
      email: 'alpha@imp.test',
      notes: 'two\nlines; "quoted"',
      tags: ['vip'],
      companyId: companyA,
      address: { city: 'Berlin' },
    });
    expect((await byExternalId('imp-d')).tags).toEqual(['x', 'y']);
    const errors = await a.viewer.get(`${IMPORTS}/${job.id}/errors.csv`).expect(200);
    expect(errors.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(parse(errors.text, { columns: true })).toEqual([
      { row: '2', field: 'name', message: expect.any(String) },
      { row: '3', field: 'email', message: expect.any(String) },
    ]);
    // The audit entries of the import's writes carry its id.
    const history = (await a.admin.get(`${CUSTOMERS}/${alpha.id}/history`).expect(200)).body.data;
    expect(history[0]).toMatchObject({ action: 'customer.created', requestId: `import:${job.id}` });
    // Its rows are scored together once it has ended (one pass over the company, not one re-score per row).
    // (Read from the store: GET .../scores would compute a missing score on demand.)
    await t.app.get(ScoreUpdatesListener).idle();
    const stored = await tenantDatabase(t, a.slug)
      .collection<{ _id: string; segment: string; computedAt: Date }>('customer_scores')
      .findOne({ _id: alpha.id });
    expect(stored).toMatchObject({ segment: 'no_purchase' });
    expect(stored!.computedAt.getTime()).toBeGreaterThanOrEqual(Date.parse(job.finishedAt));
  });

  it('dryRun validates every row and writes nothing', async () => {
    const job = await importCsv('name,externalId\nDry One,dry-1\n,dry-2\n', { dryRun: 'true' });
    expect(job).toMatchObject({ status: 'completed', dryRun: true, created: 1, failed: 1 });
    expect(await byExternalId('dry-1')).toBeUndefined();
    expectProblem(await a.admin.post(`${IMPORTS}/${job.id}/revert`), 409, 'import.not_revertible');
  });

  it('refuses malformed files: other encodings at upload, bad quoting and long lines fail the job, unknown columns', async () => {
    const latin1 = Buffer.from('name\nCaf\xe9 M\xfcller\n', 'latin1');
    expectProblem(await upload(a.member, latin1, 'x.csv', { entity: 'customers', companyId: companyA }), 400);
    const quoting = await importCsv('name,notes\nOk,fine\nBad,"never closed\n', {});
    expect(quoting.status).toBe('failed');
    expect(quoting.failure).toMatch(/quote/i);
    const long = await importCsv(`name,notes\nLong,${'x'.repeat(10 * 1024 * 1024)}\n`, {});
    expect(long.status).toBe('failed');
    expect(long.failure).toMatch(/max_record_size|record/i);
    const unknown = await importCsv('name,favouriteColour\nX,blue\n', {});
    expect(unknown).toMatchObject({ status: 'failed', created: 0 });
    expect(unknown.failure).toContain('favouriteColour');
    const mapped = await importCsv('Company,favouriteColour,Ext\nMapped,blue,map-1\n', {
      mapping: JSON.stringify({ Company: 'name', favouriteColour: '', Ext: 'externalId' }),
    });
    expect(mapped).toMatchObject({ status: 'completed', created: 1 });
    expect((await byExternalId('map-1')).name).toBe('Mapped');
    // Formula cells as exported read back as written.
    await importCsv("name,externalId\n'=1+1,formula-1\n", {});
    expect((await byExternalId('formula-1')).name).toBe('=1+1');
    expectProblem(await a.member.post(IMPORTS).send({ entity: 'customers' }), 400);
    expectProblem(await upload(a.member, 'name\nX\n', 'x.csv', { entity: 'customers', companyId: companyB }), 404);
    expectProblem(await upload(a.viewer, 'name\nX\n', 'x.csv', { entity: 'customers', companyId: companyA }), 403);
    expectProblem(
      await upload(a.member, 'name\nX\n', 'x.csv', { entity: 'customers', companyId: companyA, mapping: '{bad' }),
      400,
    );
  });

  it('upserts by externalId and reverts: created removed, updated restored, records edited since kept', async () => {
    await importCsv('name,externalId,industry\nKeep Me,up-1,Old\nEdit Me,up-2,Old\n', {});
    const job = await importCsv(
      'name,externalId,industry\nKeep Me,up-1,New\nEdit Me,up-2,New\nFresh,up-3,New\nTouched,up-4,New\n',
      {
        mode: 'upsert',
        match: 'externalId',
      },
    );
    expect(job).toMatchObject({ status: 'completed', created: 2, updated: 2, failed: 0 });
    const edited = await byExternalId('up-2');
    await a.member.patch(`${CUSTOMERS}/${edited.id}`).send({ notes: 'changed after the import' }).expect(200);
    const touched = await byExternalId('up-4');
    await a.member.patch(`${CUSTOMERS}/${touched.id}`).send({ notes: 'also changed' }).expect(200);
    expectProblem(await a.member.post(`${IMPORTS}/${job.id}/revert`), 403);
    const reverted = await a.admin.post(`${IMPORTS}/${job.id}/revert`).expect(200);
    expect(reverted.body).toMatchObject({ status: 'reverted', revert: { removed: 1, restored: 1 } });
    expect(reverted.body.revert.kept.sort()).toEqual([edited.id, touched.id].sort());
    expect((await byExternalId('up-1')).industry).toBe('Old');
    expect((await byExternalId('up-2')).industry).toBe('New');
    expect(await byExternalId('up-3')).toBeUndefined();
    expect((await byExternalId('up-4')).notes).toBe('also changed');
    // Again: nothing more to do.
    const again = (await a.admin.post(`${IMPORTS}/${job.id}/revert`).expect(200)).body.revert;
    expect({ ...again, kept: again.kept.sort() }).toEqual({
      ...reverted.body.revert,
      kept: reverted.body.revert.kept.sort(),
    });
    // The removed customer's externalId is free again.
    await importCsv('name,externalId\nFresh Again,up-3\n', {});
    expect((await byExternalId('up-3')).name).toBe('Fresh Again');
  });

  it('applies rows of one externalId in file order, within a batch and across batches', async () => {
    // A batch's rows go to the server at once: each key below appears twice, the second time in the
    // same batch (rows 1-20, then 21-40) or in the next one (the first batch's last 10, then the next 10).
    const line = (i: number, key: string, name: string) => `${name} ${i},${key}`;
    const b = IMPORT_BATCH_ROWS;
    const total = b + 50;
    const rows: string[] = [];
    for (let i = 1; i <= total; i++) {
      if (i <= 20) rows.push(line(i, `order-in-${i}`, 'First'));
      else if (i <= 40) rows.push(line(i, `order-in-${i - 20}`, 'Second'));
      else if (i > b - 10 && i <= b) rows.push(line(i, `order-across-${i - (b - 10)}`, 'First'));
      else if (i > b && i <= b + 10) rows.push(line(i, `order-across-${i - b}`, 'Second'));
      else rows.push(line(i, `order-other-${i}`, 'Other'));
    }
    const job = await importCsv(`name,externalId\n${rows.join('\n')}\n`, { mode: 'upsert', match: 'externalId' });

    expect(job).toMatchObject({ status: 'completed', processed: total, created: total - 30, updated: 30, failed: 0 });
    const names = await tenantDatabase(t, a.slug)
      .collection<{ externalId: string; name: string }>('customers')
      .find({ externalId: { $regex: '^order-(in|across)-' } })
      .toArray();
    expect(names).toHaveLength(30);
    expect(names.filter((c) => !c.name.startsWith('Second ')).map((c) => [c.externalId, c.name])).toEqual([]);
  });

  it('resumes after its instance died mid-import, applying no row twice', async () => {
    const total = IMPORT_BATCH_ROWS + 150;
    const rows = Array.from({ length: total }, (_, i) => `Resumed ${i},res-${i}`).join('\n');
    t.app.get(Failpoints).arm(ImportFailpoint.AFTER_ROW_WRITES, 1);
    const res = await upload(a.member, `name,externalId\n${rows}\n`, 'rows.csv', {
      entity: 'customers',
      companyId: companyA2,
    });
    const stopped = await settle(a.member, res.body.id);
    // The first batch's rows were written, its position was not: it is left running.
    expect(stopped).toMatchObject({ status: 'running', processed: 0 });
    expect(await tenantDatabase(t, a.slug).collection('customers').countDocuments({ companyId: companyA2 })).toBe(
      IMPORT_BATCH_ROWS,
    );
    // The next instance's housekeeping pass picks it up.
    await t.app.get(TenantRunner).runInTenant(a.slug, () => t.app.get(ImportService).resumeUnfinished());
    const done = await settle(a.member, res.body.id);
    expect(done).toMatchObject({ status: 'completed', processed: total, created: total, failed: 0 });
    const exported = await a.viewer.get(`${CUSTOMERS}/export?companyId=${companyA2}`).expect(200);
    expect(parse(exported.text, { columns: true })).toHaveLength(total);
  });

  it('round trip: an exported CSV (and NDJSON) imports into another tenant as the same data', async () => {
    await a.member
      .post(CUSTOMERS)
      .send({
        companyId: companyA,
        name: '@Round "Trip", Inc.',
        email: 'round@trip.test',
        phone: '+44 20 7946 0000',
        website: 'trip.test/path',
        industry: 'Retail',
        size: '11-50',
        notes: '=cmd|x\nline two',
        tags: ['a,b', '-minus'],
        externalId: 'rt-1',
        address: { street: 'Main St 1', city: 'Oslo', country: 'NO' },
        contacts: [
          { firstName: 'Ann', lastName: 'Lee', email: 'ann@trip.test', isPrimary: true },
          { firstName: 'Bo', email: 'bo@trip.test', title: 'CFO' },
        ],
      })
      .expect(201);
    const original = await byExternalId('rt-1');
    const comparable = (c: Record<string, unknown>) => {
      const {
        id: _i,
        companyId: _c,
        createdAt: _ca,
        updatedAt: _u,
        statusHistory: _s,
        createdBy: _cb,
        updatedBy: _ub,
        contacts,
        ...rest
      } = c;
      return { ...rest, contacts: (contacts as Array<Record<string, unknown>>).map(({ id: _x, ...p }) => p) };
    };
    for (const format of ['csv', 'ndjson'] as const) {
      const exported = await a.viewer.get(`${CUSTOMERS}/export?format=${format}&externalId=rt-1`).expect(200);
      const target = format === 'csv' ? b : await Promise.resolve(b);
      const company = format === 'csv' ? companyB : await newCompany(b);
      if (format === 'ndjson') {
        await b.admin
          .post(`${CUSTOMERS}/batch`)
          .send({ operations: [{ op: 'delete', match: { externalId: 'rt-1' } }] });
      }
      const res = await upload(target.member, exported.text, `rows.${format}`, {
        entity: 'customers',
        companyId: company,
      });
      expect(res.status).toBe(202);
      const job = await settle(target.member, res.body.id);
      expect(job).toMatchObject({ status: 'completed', created: 1, failed: 0, failure: null, errors: [] });
      const copy = await byExternalId('rt-1', target.viewer);
      expect(comparable(copy)).toEqual(comparable(original));
    }
  });

  it('reports progress to the importer\u2019s sockets, and hides imports from other tenants', async () => {
    const socket = await connectRealtime(t.url, a.token(undefined, { user: 'member-user' }));
    const other = await connectRealtime(t.url, a.token(undefined, { user: 'someone-else' }));
    try {
      const seen: Array<Record<string, unknown>> = [];
      const overheard: unknown[] = [];
      socket.on('import.progress', (p: Record<string, unknown>) => seen.push(p));
      other.on('import.progress', (p: unknown) => overheard.push(p));
      const job = await importCsv('name\nSock 1\nSock 2\n', {});
      await new Promise((r) => setTimeout(r, 300));
      expect(overheard).toEqual([]);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen[seen.length - 1]).toMatchObject({ importId: job.id, status: 'completed', created: 2 });
      expectProblem(await b.admin.get(`${IMPORTS}/${job.id}`), 404);
      expectProblem(await b.admin.get(`${IMPORTS}/${job.id}/errors.csv`), 404);
      expectProblem(await b.admin.post(`${IMPORTS}/${job.id}/revert`), 404);
    } finally {
      socket.close();
      other.close();
    }
  });
});
