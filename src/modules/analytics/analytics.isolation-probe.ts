import { Injectable } from '@nestjs/common';
import { expectHidden, type IsolationCheck, type IsolationProbe, IsolationProbeProvider } from '@app/tenancy';
import { CustomerService } from '../customer';
import type { SegmentResponse } from './dto/segment.dto';
import { SegmentService } from './segments/segment.service';

/**
 * Tenant B must not read, change, delete, list or count a saved segment of tenant A, nor use it as a
 * customer-list filter. The probe segment is tenant-wide (no company, no room) and matches nothing
 * that could exist (a search for a word no customer has is not needed: nothing is listed as A anyway).
 */
@IsolationProbeProvider()
@Injectable()
export class AnalyticsIsolationProbe implements IsolationProbe<SegmentResponse> {
  readonly kind = 'analytics';

  constructor(
    private readonly segments: SegmentService,
    private readonly customers: CustomerService,
  ) {}

  plant(): Promise<SegmentResponse> {
    return this.segments.create({ name: 'isolation probe', filter: { rfmSegment: [] } });
  }

  async attack(segment: SegmentResponse): Promise<IsolationCheck[]> {
    const id = segment.id;
    return Promise.all([
      expectHidden('segment get from tenant B', () => this.segments.get(id)),
      expectHidden('segment list from tenant B', async () =>
        (await this.segments.list({ limit: 100 })).data.filter((s) => s.id === id),
      ),
      expectHidden('segment update from tenant B', () => this.segments.update(id, { name: 'hijacked' })),
      expectHidden('segment customers from tenant B', () => this.segments.customersOf(id, {})),
      expectHidden('segment count from tenant B', () => this.segments.count(id)),
      expectHidden('customer list by segmentId from tenant B', () => this.customers.list({ segmentId: id })),
      expectHidden('segment delete from tenant B', () => this.segments.remove(id)),
    ]);
  }

  async verify(segment: SegmentResponse): Promise<IsolationCheck[]> {
    const now = await this.segments.get(segment.id);
    const same = now.version === segment.version && now.name === segment.name;
    return [
      { name: 'segment unchanged in tenant A', passed: same, detail: same ? 'version and name intact' : 'changed' },
    ];
  }

  async cleanup(segment: SegmentResponse): Promise<void> {
    await this.segments.remove(segment.id, undefined, { leaveNoTrace: true });
  }
}
