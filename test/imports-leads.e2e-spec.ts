import { EventEmitter2 } from '@nestjs/event-emitter';
import { parse } from 'csv-parse/sync';
import { Failpoints, TenantRunner } from '@app/tenancy';
import { IMPORT_BATCH_ROWS, ImportFailpoint, ImportRunner, ImportService } from '../src/modules/data-exchange';
import { type LeadDomainEvent, LeadEventName } from '../src/modules/lead';
import { expectProblem, newCompany, newTenant, TenantFixture, startTestApp, TestApp } from './support/test-app';

// Imports run in the background over hundreds of rows: slow on a loaded machine.
jest.setTimeout(180_000);

const IMPORTS = '/api/v1/imports';
const LEADS = '/api/v1/leads';

describe('Imports of leads', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let companyA: string;
  let companyA2: string;

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'ila'), newTenant(t, 'ilb')]);
    [companyA, companyA2] = await Promise.all([newCompany(a), newCompany(a)]);
  });
  afterAll(async () => {
    await t.app.get(ImportRunner).idle();
    await t.close();
  });

  type Client = TenantFixture['member'];
  type Form = Record<string, string>;
  const upload = (client: Client, file: string, name: string, form: Form) => {
    let req = client.post(IMPORTS);
    for (const [k, v] of Object.entries(form)) req = req.field(k, v);
    return req.attach('file', Buffer.from(file, 'utf8'), name);
  };
  const settle = async (client: Client, id: string) => {
    await t.app.get(ImportRunner).idle();
    return (await client.get(`${IMPORTS}/${id}`).expect(200)).body;
  };
  const importLeads = async (file: string, form: Form, name = 'leads.csv', client = a.member) => {
    const res = await upload(client, file, name, { entity: 'leads', companyId: companyA, ...form });
    expect(res.status).toBe(202);
    return settle(client, res.body.id);
  };
  const byExternalId = async (externalId: string) =>
    (await a.viewer.get(`${LEADS}?externalId=${encodeURIComponent(externalId)}`).expect(200)).body.data[0];
  const newLead = async (body: Record<string, unknown>) =>
    (
      await a.member
        .post(LEADS)
        .send({ companyId: companyA, ...body })
        .expect(201)
    ).body;
  const leadsOf = async (companyId: string) => {
    const all: Array<Record<string, unknown>> = [];
    for (let cursor: string | null = null; ;) {
      const page: { data: Array<Record<string, unknown>>; nextCursor: string | null } = (
        await a.viewer
          .get(`${LEADS}?companyId=${companyId}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
          .expect(200)
      ).body;
      all.push(...page.data);
      if (!page.nextCursor) return all;
      cursor = page.nextCursor;
    }
  };

  it('creates leads from a CSV (`;`, quoted fields, numbers, tags); row errors listed and in errors.csv; audited and evented', async () => {
    const events: LeadDomainEvent[] = [];
    const listener = (e: LeadDomainEvent) => events.push(e);
    t.app.get(EventEmitter2).on(LeadEventName.CREATED, listener);
    try {
      const csv =
        'name;companyName;email;externalId;estimatedValue;notes;tags;website\r\n' +
        'Ann Lee;"Lee; Sons";ANN@lead.test;ld-1;1250.5;"two\nlines, ""quoted""";hot;lee.test\r\n' +
        'Bad Mail;;not-an-email;ld-2;;;;\r\n' +
        ';No Name Ltd;nn@lead.test;ld-3;;;;\r\n' +
        'Bo Ng;;bo@lead.test;ld-4;lots;;;\r\n' +
        'Cy Ho;;cy@lead.test;ld-5;;;"[""a"",""b""]";\r\n';
      const job = await importLeads(csv, {});
      expect(job).toMatchObject({ entity: 'leads', status: 'completed', total: 5, created: 2, failed: 3, updated: 0 });
      expect(job.errors).toEqual([
        { row: 2, field: 'email', message: expect.any(String) },
        { row: 3, field: 'name', message: expect.any(String) },
        { row: 4, field: 'estimatedValue', message: expect.any(String) },
      ]);
      const ann = await byExternalId('ld-1');
      expect(ann).toMatchObject({
        name: 'Ann Lee',
        companyName: 'Lee; Sons',
        email: 'ann@lead.test',
        estimatedValue: 1250.5,
        notes: 'two\nlines, "quoted"',
        tags: ['hot'],
        website: 'https://lee.test',
        status: 'new',
        companyId: companyA,
        version: 1,
      });
      expect((await byExternalId('ld-5')).tags).toEqual(['a', 'b']);
      expect(await byExternalId('ld-2')).toBeUndefined();
      const errors = await a.viewer.get(`${IMPORTS}/${job.id}/errors.csv`).expect(200);
      expect(errors.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(parse(errors.text, { columns: true })).toEqual([
        { row: '2', field: 'email', message: expect.any(String) },
        { row: '3', field: 'name', message: expect.any(String) },
        { row: '4', field: 'estimatedValue', message: expect.any(String) },
      ]);
      // The audit entries and events of the import's writes carry its id.
      const audit = (await a.admin.get(`/api/v1/audit?entityType=lead&entityId=${ann.id}`).expect(200)).body.data;
      expect(audit[0]).toMatchObject({ action: 'lead.created', requestId: `import:${job.id}` });
      const mine = events.filter((e) => e.requestId === `import:${job.id}`);
      expect(mine.map((e) => e.leadId).sort()).toEqual([ann.id, (await byExternalId('ld-5')).id].sort());
    } finally {
      t.app.get(EventEmitter2).off(LeadEventName.CREATED, listener);
    }
  });

  it('rejects unknown columns like a customer import; mapping names or skips them; NDJSON rows too', async () => {
    const unknown = await importLeads('name,industry\nX,Retail\n', {});
    expect(unknown).toMatchObject({ status: 'failed', created: 0 });
    expect(unknown.failure).toContain('industry');
    // A customer field is no lead field: refused at upload.
    expectProblem(
      await upload(a.member, 'Name\nX\n', 'x.csv', {
        entity: 'leads',
        companyId: companyA,
        mapping: JSON.stringify({ Name: 'industry' }),
      }),
      400,
      'import.form_invalid',
    );
    const mapped = await importLeads('Who,Org,Colour,Ext\nMapped Lead,Org Inc,blue,map-1\n', {
      mapping: JSON.stringify({ Who: 'name', Org: 'companyName', Colour: '', Ext: 'externalId' }),
    });
    expect(mapped).toMatchObject({ status: 'completed', created: 1 });
    expect(await byExternalId('map-1')).toMatchObject({ name: 'Mapped Lead', companyName: 'Org Inc' });
    const ndjson = await importLeads(
      '{"name":"Json Lead","externalId":"nd-1","estimatedValue":99,"contacts":[{"firstName":"Jo","email":"jo@lead.test"}]}\n' +
        '{"name":"Json Bad","externalId":"nd-2","favourite":"x"}\n',
      {},
      'leads.ndjson',
    );
    expect(ndjson).toMatchObject({ status: 'completed', created: 1, failed: 1 });
    expect(ndjson.errors).toEqual([{ row: 2, field: 'favourite', message: expect.stringContaining('favourite') }]);
    expect(await byExternalId('nd-1')).toMatchObject({
      estimatedValue: 99,
      contacts: [expect.objectContaining({ firstName: 'Jo', email: 'jo@lead.test', isPrimary: true })],
    });
    expectProblem(await upload(a.member, 'name\nX\n', 'x.csv', { entity: 'deals', companyId: companyA }), 400);
  });

  it('dryRun validates every row and writes nothing', async () => {
    const job = await importLeads('name,externalId,email\nDry Lead,dry-1,dry@lead.test\nWet,dry-2,nope\n', {
      dryRun: 'true',
    });
    expect(job).toMatchObject({ status: 'completed', dryRun: true, created: 1, failed: 1 });
    expect(await byExternalId('dry-1')).toBeUndefined();
    expectProblem(await a.admin.post(`${IMPORTS}/${job.id}/revert`), 409, 'import.not_revertible');
  });

  it('upserts by email, by externalId and by website; update mode changes only matched leads', async () => {
    const byMail = await newLead({ name: 'Mail Lead', email: 'mail@up.test', status: 'contacted' });
    const job = await importLeads(
      'email,name,status\nMAIL@up.test,Mail Lead Renamed,qualified\nnew@up.test,New By Mail,\n',
      {
        mode: 'upsert',
        match: 'email',
      },
    );
    expect(job).toMatchObject({ status: 'completed', created: 1, updated: 1, failed: 0 });
    expect((await a.viewer.get(`${LEADS}/${byMail.id}`).expect(200)).body).toMatchObject({
      name: 'Mail Lead Renamed',
      status: 'qualified',
      version: 2,
    });

    const byExt = await newLead({ name: 'Ext Lead', externalId: 'up-x1', notes: 'old' });
    const ext = await importLeads('externalId,name,notes\nup-x1,Ext Lead,new\nup-x2,Ext New,fresh\n', {
      mode: 'upsert',
      match: 'externalId',
    });
    expect(ext).toMatchObject({ status: 'completed', created: 1, updated: 1 });
    expect((await a.viewer.get(`${LEADS}/${byExt.id}`).expect(200)).body.notes).toBe('new');
    expect(await byExternalId('up-x2')).toMatchObject({ name: 'Ext New', notes: 'fresh' });

    // Leads have a website: match=website works for them as for customers.
    const bySite = await newLead({ name: 'Site Lead', website: 'https://site-lead.test' });
    const site = await importLeads('website,name\nsite-lead.test/,Site Lead Renamed\n', {
      mode: 'upsert',
      match: 'website',
    });
    expect(site).toMatchObject({ status: 'completed', created: 0, updated: 1 });
    expect((await a.viewer.get(`${LEADS}/${bySite.id}`).expect(200)).body.name).toBe('Site Lead Renamed');

    const target = await newLead({ name: 'Upd Lead', externalId: 'upd-1', tags: ['a'] });
    const upd = await importLeads('externalId,tags,estimatedValue\nupd-1,b;c,10\nupd-missing,x,1\n', {
      mode: 'update',
      match: 'externalId',
    });
    expect(upd).toMatchObject({ status: 'completed', created: 0, updated: 1, failed: 1 });
    expect(upd.errors).toEqual([{ row: 2, field: null, message: expect.stringContaining('No lead') }]);
    expect((await a.viewer.get(`${LEADS}/${target.id}`).expect(200)).body).toMatchObject({
      name: 'Upd Lead',
      tags: ['b', 'c'],
      estimatedValue: 10,
    });
    expect(await byExternalId('upd-missing')).toBeUndefined();
  });

  it('reverts: created leads removed, updated ones restored, leads edited since kept and reported', async () => {
    const keep = await newLead({ name: 'Keep', externalId: 'rv-1', email: 'keep@rv.test', estimatedValue: 5 });
    const edit = await newLead({ name: 'Edit', externalId: 'rv-2', companyName: 'Old Co' });
    const converted = await newLead({ name: 'Conv', externalId: 'rv-5' });
    await a.member.post(`${LEADS}/${converted.id}/convert`).send({}).expect(201);
    const job = await importLeads(
      'externalId,name,companyName,estimatedValue\n' +
        'rv-1,Keep Renamed,New Co,7\n' +
        'rv-2,Edit,New Co,\n' +
        'rv-3,Fresh,New Co,\n' +
        'rv-4,Touched,New Co,\n' +
        'rv-5,Conv,New Co,\n',
      { mode: 'upsert', match: 'externalId' },
    );
    // The converted lead is read-only: its row fails (409) and the import writes nothing to it.
    expect(job).toMatchObject({ status: 'completed', created: 2, updated: 2, failed: 1 });
    expect(job.errors).toEqual([{ row: 5, field: null, message: expect.stringContaining('read-only') }]);
    await a.member.patch(`${LEADS}/${edit.id}`).send({ notes: 'changed after the import' }).expect(200);
    const touched = await byExternalId('rv-4');
    await a.member.patch(`${LEADS}/${touched.id}`).send({ notes: 'also changed' }).expect(200);
    const fresh = await byExternalId('rv-3');

    expectProblem(await a.member.post(`${IMPORTS}/${job.id}/revert`), 403);
    const reverted = (await a.admin.post(`${IMPORTS}/${job.id}/revert`).expect(200)).body;
    expect(reverted).toMatchObject({ status: 'reverted', revert: { removed: 1, restored: 1 } });
    expect(reverted.revert.kept.sort()).toEqual([edit.id, touched.id].sort());
    expect((await a.viewer.get(`${LEADS}/${keep.id}`).expect(200)).body).toMatchObject({
      name: 'Keep',
      companyName: null,
      estimatedValue: 5,
      email: 'keep@rv.test',
    });
    expect((await a.viewer.get(`${LEADS}/${edit.id}`).expect(200)).body).toMatchObject({
      companyName: 'New Co',
      notes: 'changed after the import',
    });
    expectProblem(await a.viewer.get(`${LEADS}/${fresh.id}`), 404);
    expect((await a.viewer.get(`${LEADS}/${touched.id}`).expect(200)).body.notes).toBe('also changed');
    expect((await a.viewer.get(`${LEADS}/${converted.id}`).expect(200)).body.status).toBe('converted');
    // Again: nothing more to do.
    const again = (await a.admin.post(`${IMPORTS}/${job.id}/revert`).expect(200)).body.revert;
    expect({ ...again, kept: again.kept.sort() }).toEqual({ ...reverted.revert, kept: reverted.revert.kept.sort() });
    // The removed lead's externalId is free again.
    await importLeads('name,externalId\nFresh Again,rv-3\n', {});
    expect((await byExternalId('rv-3')).name).toBe('Fresh Again');
  });

  it('hides lead imports from other tenants', async () => {
    const job = await importLeads('name\nHidden Lead\n', {});
    expectProblem(await b.admin.get(`${IMPORTS}/${job.id}`), 404);
    expectProblem(await b.admin.get(`${IMPORTS}/${job.id}/errors.csv`), 404);
    expectProblem(await b.admin.post(`${IMPORTS}/${job.id}/revert`), 404);
    expect((await a.viewer.get(`${IMPORTS}/${job.id}`).expect(200)).body.created).toBe(1);
  });

  it('resumes after its instance died mid-import, applying no row twice', async () => {
    const total = IMPORT_BATCH_ROWS + 150;
    const rows = Array.from({ length: total }, (_, i) => `Resumed Lead ${i},rl-${i}`).join('\n');
    t.app.get(Failpoints).arm(ImportFailpoint.AFTER_ROW_WRITES, 1);
    const res = await upload(a.member, `name,externalId\n${rows}\n`, 'rows.csv', {
      entity: 'leads',
      companyId: companyA2,
    });
    expect(res.status).toBe(202);
    const stopped = await settle(a.member, res.body.id);
    // The first batch's rows were written, its position was not: it is left running.
    expect(stopped).toMatchObject({ status: 'running', processed: 0 });
    expect(await leadsOf(companyA2)).toHaveLength(IMPORT_BATCH_ROWS);
    // The next instance's housekeeping pass picks it up.
    await t.app.get(TenantRunner).runInTenant(a.slug, () => t.app.get(ImportService).resumeUnfinished());
    const done = await settle(a.member, res.body.id);
    expect(done).toMatchObject({ status: 'completed', processed: total, created: total, failed: 0 });
    const leads = await leadsOf(companyA2);
    expect(leads).toHaveLength(total);
    expect(new Set(leads.map((l) => l.externalId)).size).toBe(total);
    expect(leads.every((l) => l.version === 1)).toBe(true);
  });
});
