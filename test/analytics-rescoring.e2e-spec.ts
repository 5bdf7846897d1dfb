import type { ScoreUpdatesListener as Listener, ScoringService as Scoring } from '../src/modules/analytics';
import { loadAppWithEnv, type TestAppSupport } from './security/support/app-with-env';
import type { TenantFixture, TestApp } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';

const DAY = 86_400_000;

/**
 * A company of five buyers, dated relative to now (half a day past whole days, so recency never sits on
 * a day boundary). One full recompute scores it (default model, window 365 days):
 *
 * | customer | purchases (days ago: amount) | recency | F | M (cents) | R F M | segment            | health    |
 * | P1       | 1.5: 600, 10.5: 400          | 1       | 2 | 100000     | 5 5 5 | champions          | 65 yellow |
 * | P2       | 20.5: 100                    | 20      | 1 | 10000      | 4 3 1 | potential_loyalist | 45 yellow |
 * | P3       | 40.5: 200                    | 40      | 1 | 20000      | 3 3 2 | need_attention     | 45 yellow |
 * | P4       | 60.5: 300                    | 60      | 1 | 30000      | 2 3 3 | at_risk            | 45 yellow |
 * | P5       | 80.5: 400                    | 80      | 1 | 40000      | 1 3 4 | at_risk            | 45 yellow |
 *
 * Edges left by the run (the value from which a customer scores s = 2..5): recency ≤ 60, 40, 20, 1 days;
 * frequency ≥ -, 1, -, 2; monetary ≥ 20000, 30000, 40000, 100000. Health without activity, overdue tasks
 * or open deals: 35 · (R + F + M − 3) / 12 + 10 (no overdue task) + 20 · status (active 1, inactive 0.5,
 * churned 0).
 */
const PURCHASES: Record<string, Array<[number, number]>> = {
  P1: [
    [1.5, 600],
    [10.5, 400],
  ],
  P2: [[20.5, 100]],
  P3: [[40.5, 200]],
  P4: [[60.5, 300]],
  P5: [[80.5, 400]],
};

interface Component {
  key: string;
  weight: number;
  value: number | null;
  points: number;
  detail: string;
  inputs: Record<string, unknown>;
}

interface Scores {
  rfm: { code: string | null; segment: string; recencyDays: number | null; frequency: number | null; monetary: number };
  health: { score: number; band: string; components: Component[] };
  lastComputedAt: string;
}

describe('Analytics: incremental re-scoring and score webhooks', () => {
  let support: TestAppSupport;
  let t: TestApp;
  let a: TenantFixture;
  let company: string;
  let listener: Listener;
  let scoring: Scoring;
  let fullRuns: jest.SpyInstance;
  const ids: Record<string, string> = {};
  const receiver = new WebhookReceiver();

  async function scores(name: string): Promise<Scores & { c: Record<string, Component> }> {
    await listener.idle();
    const res = await a.viewer.get(`/api/v1/customers/${ids[name]}/scores`).expect(200);
    const s = res.body as Scores;
    return { ...s, c: Object.fromEntries(s.health.components.map((x) => [x.key, x])) };
  }

  async function setStatus(name: string, status: string): Promise<void> {
    await a.member.put(`/api/v1/customers/${ids[name]}/status`).send({ status }).expect(200);
  }

  /** Waits until what this instance started (outbox hand-offs, first attempts) is done. */
  async function drain(): Promise<void> {
    const { Outbox } = await import('@app/tenancy');
    const { WebhookDeliveryWorker } = await import('../src/modules/integration');
    await listener.idle();
    await t.app.get(Outbox).drain();
    await t.app.get(WebhookDeliveryWorker).drain();
  }

  beforeAll(async () => {
    support = await loadAppWithEnv({
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_POLL_INTERVAL_MS: '0',
      WEBHOOK_TIMEOUT_MS: '1500',
    });
    t = await support.startTestApp();
    await receiver.start();
    a = await support.newTenant(t, 'rsc');
    company = await support.newCompany(a, 'Rescored');
    const { ScoreUpdatesListener, ScoringService } = await import('../src/modules/analytics');
    listener = t.app.get(ScoreUpdatesListener);
    scoring = t.app.get(ScoringService);
    const now = Date.now();
    for (const [name, purchases] of Object.entries(PURCHASES)) {
      const res = await a.member.post('/api/v1/customers').send({ companyId: company, name }).expect(201);
      ids[name] = res.body.id as string;
      for (const [i, [daysAgo, amount]] of purchases.entries()) {
        await a.member
          .post(`/api/v1/customers/${ids[name]}/revenue`)
          .send({ amount, purchasedAt: new Date(now - daysAgo * DAY).toISOString(), reference: `${name}-${i}` })
          .expect(200);
      }
    }
    await listener.idle();
    await a.admin.post('/api/v1/analytics/recompute').send({}).expect(200);
    // From here on, every score change is incremental: a full run of the company would show up here.
    fullRuns = jest.spyOn(scoring, 'recomputeCompany');
  }, 120_000);

  afterAll(async () => {
    await listener?.idle();
    await receiver.stop();
    await t?.close();
  });

  it('starts from the hand-worked scores of the full recompute', async () => {
    const expected: Record<string, [string, string, number, string]> = {
      P1: ['555', 'champions', 65, 'yellow'],
      P2: ['431', 'potential_loyalist', 45, 'yellow'],
      P3: ['332', 'need_attention', 45, 'yellow'],
      P4: ['233', 'at_risk', 45, 'yellow'],
      P5: ['134', 'at_risk', 45, 'yellow'],
    };
    for (const [name, [code, segment, score, band]] of Object.entries(expected)) {
      const s = await scores(name);
      expect([name, s.rfm.code, s.rfm.segment, s.health.score, s.health.band]).toEqual([
        name,
        code,
        segment,
        score,
        band,
      ]);
    }
  });

  describe('re-scoring one customer, without a full recompute', () => {
    it('a status change re-scores the health status component at once; lastComputedAt moves forward', async () => {
      const untouched = await scores('P3');
      const before = await scores('P2');
      expect(before.c.status).toMatchObject({ value: 1, points: 20, inputs: { status: 'active' } });

      // Churned: the status component counts 0 → 14.58 + 10 = 24.58 → 25, red.
      await setStatus('P2', 'churned');
      const churned = await scores('P2');
      expect(churned.c.status).toEqual({
        key: 'status',
        weight: 20,
        value: 0,
        points: 0,
        detail: 'status churned',
        inputs: { status: 'churned' },
      });
      expect(churned.health).toMatchObject({ score: 25, band: 'red' });
      // Only the status component moved: RFM, activity, tasks and deals are as they were.
      const others = (s: Scores) => s.health.components.filter((x) => x.key !== 'status');
      expect(others(churned)).toEqual(others(before));
      expect(churned.rfm).toEqual(before.rfm);
      expect(Date.parse(churned.lastComputedAt)).toBeGreaterThan(Date.parse(before.lastComputedAt));

      // Inactive counts half: 14.58 + 10 + 10 = 34.58 → 35, still red.
      await setStatus('P2', 'inactive');
      const inactive = await scores('P2');
      expect(inactive.c.status).toMatchObject({ value: 0.5, points: 10, inputs: { status: 'inactive' } });
      expect(inactive.health).toMatchObject({ score: 35, band: 'red' });
      expect(Date.parse(inactive.lastComputedAt)).toBeGreaterThan(Date.parse(churned.lastComputedAt));

      await setStatus('P2', 'active');
      const active = await scores('P2');
      expect(active.health).toEqual(before.health);
      expect(Date.parse(active.lastComputedAt)).toBeGreaterThan(Date.parse(inactive.lastComputedAt));

      // No full run: another customer's score was neither rewritten nor re-dated (a run stores new edges,
      // and lastComputedAt is the later of the score's and the edges' time).
      expect(fullRuns).not.toHaveBeenCalled();
      expect(await scores('P3')).toEqual(untouched);
    });

    it("a revenue reversal re-scores RFM and health against the last full run's edges", async () => {
      const untouched = await scores('P3');
      const before = await scores('P1');
      expect(before.rfm).toMatchObject({ code: '555', recencyDays: 1, frequency: 2, monetary: 1000 });
      const entries = await a.viewer.get(`/api/v1/customers/${ids.P1}/revenue`).expect(200);
      const latest = (entries.body.data as Array<{ id: string; reference: string }>).find(
        (e) => e.reference === 'P1-0',
      );
      await a.member
        .post(`/api/v1/customers/${ids.P1}/revenue/${latest?.id}/reverse`)
        .send({ reason: 'refund' })
        .expect(200);

      // Left: 400.00 10 days ago. Against the stored edges: recency 10 ≤ 20 → 4, frequency 1 → 3,
      // 40000 ≥ 40000 → 4: 434 potential_loyalist. (A full run would rank the five anew: 535.)
      const after = await scores('P1');
      expect(after.rfm).toEqual({
        segment: 'potential_loyalist',
        r: 4,
        f: 3,
        m: 4,
        code: '434',
        recencyDays: 10,
        frequency: 1,
        monetary: 400,
      });
      // 35 · 8/12 + 10 + 20 = 53.33 → 53, yellow.
      expect(after.c.rfm).toMatchObject({ value: 0.666667, points: 23.333333, inputs: { r: 4, f: 3, m: 4 } });
      expect(after.c.openOpportunities.inputs).toEqual({ openOpportunityValue: 0, revenueInWindow: 400 });
      expect(after.health).toMatchObject({ score: 53, band: 'yellow' });
      expect(Date.parse(after.lastComputedAt)).toBeGreaterThan(Date.parse(before.lastComputedAt));

      expect(fullRuns).not.toHaveBeenCalled();
      expect(await scores('P3')).toEqual(untouched);
    });
  });

  describe('webhooks', () => {
    interface Hook {
      id: string;
      secret: string;
      url: string;
    }

    it('delivers signed customer.health_changed and customer.segment_changed to a subscribed endpoint', async () => {
      // What the tests above announced is delivered (to no one) before the endpoint exists.
      await drain();
      const url = receiver.url(`/${Math.random().toString(36).slice(2)}`);
      const res = await a.admin
        .post('/api/v1/webhooks')
        .send({ url, events: ['customer.health_changed', 'customer.segment_changed'] })
        .expect(201);
      const hook: Hook = { id: res.body.id as string, secret: res.body.secret as string, url };

      // P3 churns: 45 yellow → 25 red. Its customer.status_changed is not subscribed.
      await setStatus('P3', 'churned');
      await drain();
      const health = receiver.verifiedAt(hook, 0);
      expect(health).toEqual([
        {
          id: expect.stringMatching(/^evt_[0-9a-f]{24}$/),
          type: 'customer.health_changed',
          occurredAt: expect.any(String),
          data: {
            companyId: company,
            customerId: ids.P3,
            from: 'yellow',
            to: 'red',
            score: 25,
            at: health[0]?.occurredAt,
          },
        },
      ]);

      // P5 buys again today: recency 0 → 5, frequency 2 → 5, 70000 → 4: 554 champions (from at_risk 134).
      // Health 35 · 11/12 + 30 = 62.08 → 62 stays yellow: no health_changed.
      await a.member
        .post(`/api/v1/customers/${ids.P5}/revenue`)
        .send({ amount: 300, purchasedAt: new Date(Date.now() - DAY / 2).toISOString(), reference: 'P5-again' })
        .expect(200);
      await drain();
      const segment = receiver.verifiedAt(hook, 1);
      expect(segment).toEqual([
        {
          id: expect.stringMatching(/^evt_[0-9a-f]{24}$/),
          type: 'customer.segment_changed',
          occurredAt: expect.any(String),
          data: {
            companyId: company,
            customerId: ids.P5,
            from: 'at_risk',
            to: 'champions',
            code: '554',
            at: segment[0]?.occurredAt,
          },
        },
      ]);
      expect((await scores('P5')).health).toMatchObject({ score: 62, band: 'yellow' });

      // Signed under the endpoint's secret only; each delivery logged as succeeded.
      const forged = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
      expect(() => WebhookReceiver.verify(forged, receiver.at(hook.url)[0])).toThrow();
      const log = await a.admin.get(`/api/v1/webhooks/${hook.id}/deliveries`).expect(200);
      expect(
        (log.body.data as Array<{ eventType: string; messageId: string; status: string }>)
          .map((d) => [d.eventType, d.messageId, d.status])
          .sort(),
      ).toEqual([
        ['customer.health_changed', health[0].id, 'succeeded'],
        ['customer.segment_changed', segment[0].id, 'succeeded'],
      ]);
      expect(fullRuns).not.toHaveBeenCalled();
      await a.admin.delete(`/api/v1/webhooks/${hook.id}`).expect(204);
    });
  });
});
