import { Injectable, Module } from '@nestjs/common';
import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { platformToken } from '@app/testing';
import {
  expectHidden,
  type IsolationCheck,
  type IsolationProbe,
  IsolationProbeProvider,
  InjectTenantModel,
  TenancyModule,
  TenantModel,
} from '@app/tenancy';
import { RealtimeGateway } from '../src/modules/realtime/realtime.gateway';
import type { RealtimePayload } from '../src/modules/realtime/realtime-payload';
import { as, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

// ---- a test-only module whose storage ignores the tenant ------------------------------------------

@Schema({ collection: 'leaky_notes', versionKey: false })
class LeakyNote {
  @Prop({ required: true })
  text: string;
}
const LeakyNoteSchema = SchemaFactory.createForClass(LeakyNote);

/** The bug: it keeps the first tenant's model it was given, so later calls of other tenants reach it. */
@Injectable()
class LeakyNoteRepository {
  private cached?: Model<LeakyNote>;

  constructor(@InjectTenantModel(LeakyNote.name) private readonly notes: TenantModel<LeakyNote>) {}

  private model(): Model<LeakyNote> {
    return (this.cached ??= this.notes.current());
  }

  async create(text: string): Promise<string> {
    return (await this.model().create({ text }))._id.toHexString();
  }

  findById(id: string): Promise<LeakyNote | null> {
    return this.model().findById(id).lean<LeakyNote>().exec();
  }

  async remove(id: string): Promise<void> {
    await this.model().deleteOne({ _id: id }).exec();
  }
}

@IsolationProbeProvider()
@Injectable()
class LeakyNoteProbe implements IsolationProbe<string> {
  readonly kind = 'leaky-notes';
  constructor(private readonly repo: LeakyNoteRepository) {}
  plant(): Promise<string> {
    return this.repo.create('secret of tenant A');
  }
  async attack(id: string): Promise<IsolationCheck[]> {
    return [await expectHidden('get by id from tenant B', () => this.repo.findById(id))];
  }
  async verify(): Promise<IsolationCheck[]> {
    return [];
  }
  cleanup(id: string): Promise<void> {
    return this.repo.remove(id);
  }
}

@Module({
  imports: [TenancyModule.forFeature([{ name: LeakyNote.name, schema: LeakyNoteSchema }])],
  providers: [LeakyNoteRepository, LeakyNoteProbe],
})
class LeakyNotesModule {}

// ---- a realtime gateway that forgets the room ------------------------------------------------------

/** The bug: every customer event goes to every socket of the namespace instead of the company's room. */
class BroadcastingGateway extends RealtimeGateway {
  override publish(_room: string, event: string, payload: RealtimePayload): void {
    this.server.emit(event, payload);
  }
}

type Check = { name: string; passed: boolean; detail: string };

/**
 * The isolation check is only worth something if it fails when tenancy is broken. Each case breaks it
 * on purpose in one place and expects `success: false` naming exactly the checks that cover it.
 */
describe('Isolation check catches leaks', () => {
  async function runCheck(t: TestApp): Promise<{ success: boolean; checks: Check[] }> {
    const [a, b]: TenantFixture[] = await Promise.all([newTenant(t, 'lka'), newTenant(t, 'lkb')]);
    const res = await as(t, platformToken())
      .post('/api/v1/tenants/isolation-check')
      .send({ tenantA: a.slug, tenantB: b.slug })
      .expect(200);
    return res.body as { success: boolean; checks: Check[] };
  }
  const failed = (report: { checks: Check[] }) => report.checks.filter((c) => !c.passed).map((c) => c.name);

  it('a module whose reads ignore the tenant: the check fails and names that probe', async () => {
    const t = await startTestApp(undefined, [LeakyNotesModule]);
    try {
      const report = await runCheck(t);
      expect(report.success).toBe(false);
      expect(failed(report)).toEqual(['leaky-notes: get by id from tenant B']);
      expect(report.checks.find((c) => c.name === 'leaky-notes: get by id from tenant B')?.detail).toContain(
        'secret of tenant A',
      );
    } finally {
      await t.close();
    }
  });

  it("a gateway that sends events to every socket: tenant B's real socket receives A's event", async () => {
    const t = await startTestApp((builder) => builder.overrideProvider(RealtimeGateway).useClass(BroadcastingGateway));
    try {
      const report = await runCheck(t);
      expect(report.success).toBe(false);
      expect(failed(report)).toEqual(['realtime: tenant B socket receives nothing of tenant A']);
      expect(
        report.checks.find((c) => c.name === 'realtime: tenant B socket receives nothing of tenant A')?.detail,
      ).toBe('received customer.created');
    } finally {
      await t.close();
    }
  });

  it('the same check passes when nothing is broken (the failures above come from the leaks)', async () => {
    const t = await startTestApp();
    try {
      const report = await runCheck(t);
      expect(failed(report)).toEqual([]);
      expect(report.success).toBe(true);
    } finally {
      await t.close();
    }
  });
});
