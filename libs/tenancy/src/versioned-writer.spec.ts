import { EventEmitter2 } from '@nestjs/event-emitter';
import type { ClsService } from 'nestjs-cls';
import type { AuditRecordInput, AuditSink } from './audit-sink';
import { Failpoints } from './failpoints';
import type { RecordLock } from './record-lock';
import type { TenantContext } from './tenant-context';
import { type Stamped, VersionedWriter } from './versioned-writer';
import { MemoryVersionedStore, noDurableConsumers } from '@app/testing/memory-store';

interface Doc extends Stamped {
  _id: string;
  name: string;
  hidden: boolean;
  count: number;
}
interface Res {
  id: string;
  name: string;
  count: number;
  version: number;
}

class MemoryStore extends MemoryVersionedStore<Doc> {
  private sequence = 0;

  constructor() {
    super(() => `id${++this.sequence}`);
  }
}

describe(VersionedWriter.name, () => {
  let store: MemoryStore;
  let audit: AuditRecordInput[];
  let emitted: Array<{ name: string; payload: { before: Res | null; after: Res } }>;

  function setup() {
    store = new MemoryStore();
    audit = [];
    emitted = [];
    const events = new EventEmitter2();
    events.onAny((name, payload) => emitted.push({ name: name as string, payload: payload as never }));
    const sink: AuditSink = { record: async (input) => void audit.push(input) };
    const lock = { run: <T>(_key: string, fn: () => Promise<T>) => fn() } as unknown as RecordLock;
    const context = { actor: 'u1', tenantId: 'acme' } as TenantContext;
    const cls = { isActive: () => false } as unknown as ClsService;
    const sut = new VersionedWriter(lock, events, sink, context, cls, noDurableConsumers(), new Failpoints()).for<
      Doc,
      Res
    >({
      entityType: 'thing',
      store,
      toResponse: (d) => ({ id: d._id, name: d.name, count: d.count, version: d.version }),
      companyOf: () => 'company-1',
      visible: (d) => !d.hidden,
      notFound: (id) => new Error(`not found ${id}`),
      stale: (expected, actual) => new Error(`stale ${expected} vs ${actual}`),
      busy: (id) => new Error(`busy ${id}`),
      notAudited: ['id', 'version'],
      derive: (next) => ({ name: next.name.trim() }),
      event: (w) => ({ before: w.before, after: w.after }),
      duplicate: () => new Error('duplicate name'),
    });
    return sut;
  }

  it('creates a record stamped at version 1, audited and announced', async () => {
    const sut = setup();
    const created = await sut.create(
      (_at, actor) => ({ name: `by ${actor}`, hidden: false, count: 0 }),
      'thing.created',
    );
    expect(created).toEqual({ id: 'id1', name: 'by u1', count: 0, version: 1 });
    expect(store.rows.get('id1')).toMatchObject({ createdBy: 'u1', updatedBy: 'u1', version: 1 });
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'thing.created',
        entityType: 'thing',
        entityId: 'id1',
        companyId: 'company-1',
        changes: { name: { from: null, to: 'by u1' }, count: { from: null, to: 0 } },
      }),
    ]);
    expect(emitted).toEqual([{ name: 'thing.created', payload: { before: null, after: created } }]);
  });

  it('maps a duplicate key of a unique index to the type error', async () => {
    const sut = setup();
    store.failNextInsert = Object.assign(new Error('E11000'), { code: 11000 });
    await expect(sut.create({ name: 'x', hidden: false, count: 0 }, 'thing.created')).rejects.toThrow('duplicate name');
    expect(audit).toEqual([]);
  });

  it('changes a record at the version read, derives fields, bumps the version, audits the diff and emits', async () => {
    const sut = setup();
    await sut.create({ name: 'a', hidden: false, count: 0 }, 'thing.created');
    const after = await sut.mutate('id1', 'thing.renamed', (c) => ({
      set: { name: `  ${c.name}b  ` },
      inc: { count: 2 },
    }));
    expect(after).toEqual({ id: 'id1', name: 'ab', count: 2, version: 2 });
    expect(audit[1]).toMatchObject({
      action: 'thing.renamed',
      changes: { name: { from: 'a', to: 'ab' }, count: { from: 0, to: 2 } },
    });
    expect(emitted[1]).toEqual({
      name: 'thing.renamed',
      payload: { before: { id: 'id1', name: 'a', count: 0, version: 1 }, after },
    });
  });

  it('a change that computes to nothing writes, audits and emits nothing', async () => {
    const sut = setup();
    await sut.create({ name: 'a', hidden: false, count: 0 }, 'thing.created');
    expect(await sut.mutate('id1', 'thing.renamed', () => null)).toMatchObject({ version: 1 });
    expect([audit.length, emitted.length, store.rows.get('id1')?.version]).toEqual([1, 1, 1]);
  });

  it('a stale If-Match is refused before the change runs, and nothing is written', async () => {
    const sut = setup();
    await sut.create({ name: 'a', hidden: false, count: 0 }, 'thing.created');
    const change = jest.fn(() => ({ set: { name: 'b' } }));
    await expect(sut.mutate('id1', 'thing.renamed', change, { expectedVersion: 7 })).rejects.toThrow('stale 7 vs 1');
    expect(change).not.toHaveBeenCalled();
    expect(store.rows.get('id1')).toMatchObject({ name: 'a', version: 1 });
  });

  it('recomputes from the new state after a lost race, and gives up with busy after too many', async () => {
    const sut = setup();
    await sut.create({ name: 'a', hidden: false, count: 0 }, 'thing.created');
    store.loseRaces = 2;
    const seen: number[] = [];
    const after = await sut.mutate('id1', 'thing.counted', (c) => {
      seen.push(c.version);
      return { inc: { count: 1 } };
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(after).toMatchObject({ count: 1, version: 4 });
    store.loseRaces = 100;
    await expect(sut.mutate('id1', 'thing.counted', () => ({ inc: { count: 1 } }))).rejects.toThrow('busy id1');
  });

  it('a record the caller may not see is not found, for reads and writes alike', async () => {
    const sut = setup();
    await sut.create({ name: 'a', hidden: true, count: 0 }, 'thing.created');
    await expect(sut.load('id1')).rejects.toThrow('not found id1');
    await expect(sut.mutate('id1', 'thing.renamed', () => ({ set: { name: 'b' } }))).rejects.toThrow('not found id1');
    await expect(sut.load('nope')).rejects.toThrow('not found nope');
  });

  it('removes a record only when its check allows, then audits and announces it', async () => {
    const sut = setup();
    await sut.create({ name: 'a', hidden: false, count: 0 }, 'thing.created');
    await expect(
      sut.remove('id1', 'thing.deleted', { check: async () => Promise.reject(new Error('still in use')) }),
    ).rejects.toThrow('still in use');
    expect(store.rows.has('id1')).toBe(true);
    await sut.remove('id1', 'thing.deleted');
    expect(store.rows.has('id1')).toBe(false);
    expect(audit.map((a) => a.action)).toEqual(['thing.created', 'thing.deleted']);
  });
});
