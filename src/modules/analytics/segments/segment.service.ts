import { Inject, Injectable } from '@nestjs/common';
import { canSeeCompany, canonical, type Settings } from '@app/common';
import { PublishesEvents, PurgeHooks, type RecordWriter, TenantContext, VersionedWriter } from '@app/tenancy';
import { CompanyService } from '../../company';
import { type CustomerPageResponse, CustomerService, type CustomerSegmentCriteria } from '../../customer';
import { toMinor } from '../../../domain/money';
import { AnalyticsError, AnalyticsErrorCode, segmentNotFound } from '../analytics.errors';
import { analyticsSettings } from '../analytics.settings';
import type {
  CreateSegmentDto,
  ListSegmentsQueryDto,
  SegmentCustomersQueryDto,
  SegmentFilterDto,
  SegmentPageResponse,
  SegmentResponse,
  UpdateSegmentDto,
} from '../dto/segment.dto';
import { SegmentDomainEvent, SegmentEventName } from '../events/analytics.events';
import { ScoreRepository } from '../scores/score.repository';
import { decodeAfter, encodeAfter } from '../scores/analytics-cursor';
import type { Segment, SegmentFilter, SegmentLean } from '../schemas/segment.schema';
import { toSegmentResponse } from './segment.mapper';
import { SegmentRepository } from './segment.repository';

export const SEGMENT_ENTITY = 'segment';
export const MAX_SEGMENTS = 200;
const DEFAULT_PAGE = 25;

/**
 * Saved segments: named dynamic filters over customers, evaluated when used (never a frozen list). The
 * customer list applies them as `segmentId=` (see SegmentCriteriaResolver); written through the shared
 * versioned writer (ETag, audit, events).
 */
@PublishesEvents(Object.values(SegmentEventName))
@Injectable()
export class SegmentService {
  readonly records: RecordWriter<SegmentLean, SegmentResponse>;
  private readonly maxScored: number;

  constructor(
    private readonly repo: SegmentRepository,
    private readonly scores: ScoreRepository,
    private readonly companies: CompanyService,
    private readonly customers: CustomerService,
    private readonly context: TenantContext,
    private readonly purgeHooks: PurgeHooks,
    @Inject(analyticsSettings.KEY) settings: Settings<typeof analyticsSettings>,
    writer: VersionedWriter,
  ) {
    this.maxScored = settings.ANALYTICS_SEGMENT_MAX_SCORED;
    this.records = writer.for({
      entityType: SEGMENT_ENTITY,
      store: repo,
      toResponse: toSegmentResponse,
      companyOf: (s) => s.companyId,
      visible: (s) => s.companyId === null || canSeeCompany(this.context.principal, s.companyId),
      notFound: segmentNotFound,
      stale: (expected, actual) =>
        new AnalyticsError(
          AnalyticsErrorCode.SEGMENT_VERSION_MISMATCH,
          `Segment is at version ${actual}, the request expected ${expected}. Reload and retry.`,
          { currentVersion: actual },
        ),
      busy: () => new AnalyticsError(AnalyticsErrorCode.SEGMENT_WRITE_CONFLICT, 'The segment is changing; retry.'),
      notAudited: ['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy'],
      event: (w) =>
        new SegmentDomainEvent(
          w.name as SegmentEventName,
          w.tenantId,
          w.after.companyId,
          w.actor,
          w.at,
          w.after,
          w.changes,
          w.requestId,
        ),
    });
  }

  async create(dto: CreateSegmentDto): Promise<SegmentResponse> {
    if (dto.companyId) await this.companies.assertVisible(dto.companyId);
    if ((await this.repo.count()) >= MAX_SEGMENTS) {
      throw new AnalyticsError(
        AnalyticsErrorCode.SEGMENT_LIMIT_REACHED,
        `A tenant may have at most ${MAX_SEGMENTS} segments.`,
      );
    }
    const filter = storedFilter(dto.filter);
    return this.records.create(
      { name: dto.name, description: dto.description ?? null, companyId: dto.companyId ?? null, filter },
      SegmentEventName.CREATED,
    );
  }

  async list(query: ListSegmentsQueryDto): Promise<SegmentPageResponse> {
    const after = query.cursor ? decodeAfter(query.cursor, 'segments') : null;
    const limit = query.limit ?? DEFAULT_PAGE;
    const rows = (await this.repo.all(MAX_SEGMENTS))
      .filter((s) => s.companyId === null || canSeeCompany(this.context.principal, s.companyId))
      .filter((s) => after === null || s._id.toHexString() > after);
    const data = rows.slice(0, limit).map(toSegmentResponse);
    return { data, nextCursor: rows.length > limit ? encodeAfter(data[data.length - 1].id, 'segments') : null };
  }

  async get(id: string): Promise<SegmentResponse> {
    return toSegmentResponse(await this.records.load(id));
  }

  update(id: string, dto: UpdateSegmentDto, expectedVersion?: number): Promise<SegmentResponse> {
    const filter = dto.filter ? storedFilter(dto.filter) : undefined;
    return this.records.mutate(
      id,
      SegmentEventName.UPDATED,
      (s) => {
        const set: Partial<Segment> = {};
        if (dto.name !== undefined && dto.name !== s.name) set.name = dto.name;
        if (dto.description !== undefined && dto.description !== s.description) set.description = dto.description;
        if (filter && canonical(filter) !== canonical(s.filter)) set.filter = filter;
        return Object.keys(set).length ? { set } : null;
      },
      { expectedVersion },
    );
  }

  /** Deletes a segment; `leaveNoTrace` (isolation probes) erases its audit trail too. */
  async remove(id: string, expectedVersion?: number, opts: { leaveNoTrace?: boolean } = {}): Promise<void> {
    const removed = await this.records.remove(id, SegmentEventName.DELETED, { expectedVersion });
    if (opts.leaveNoTrace) {
      await this.purgeHooks.run({
        entityType: SEGMENT_ENTITY,
        entityId: id,
        companyId: removed.companyId,
        leaveNoTrace: true,
      });
    }
  }

  /** The segment's customers, a page at a time (the customer list with `segmentId`). */
  async customersOf(id: string, query: SegmentCustomersQueryDto): Promise<CustomerPageResponse> {
    await this.records.load(id);
    return this.customers.list({ segmentId: id, limit: query.limit, cursor: query.cursor });
  }

  async count(id: string): Promise<number> {
    await this.records.load(id);
    return this.customers.count({ segmentId: id });
  }

  /** Segments filed under a company (company deletion check). */
  filedUnder(companyId: string): Promise<number> {
    return this.repo.countForCompany(companyId);
  }

  /** What the customer list applies for `segmentId=` (see CustomerSegmentResolver). */
  async criteria(id: string): Promise<CustomerSegmentCriteria> {
    const s = await this.records.load(id);
    const f = s.filter;
    const criteria: CustomerSegmentCriteria = {
      filters: {
        companyId: s.companyId ?? undefined,
        status: f.status,
        source: f.source,
        assignedTo: f.assignedTo,
        tag: f.tag,
        q: f.q,
      },
    };
    if (f.revenueMinMinor !== undefined || f.revenueMaxMinor !== undefined) {
      criteria.revenueMinor = { min: f.revenueMinMinor, max: f.revenueMaxMinor };
    }
    if (f.lastActivityFrom || f.lastActivityTo) {
      criteria.lastActivityAt = { from: f.lastActivityFrom, to: f.lastActivityTo };
    }
    if (f.rfmSegment?.length || f.healthBand?.length) {
      const companies = s.companyId ? [s.companyId] : (this.context.principal.companies ?? null);
      const ids = await this.scores.idsMatching(companies, f.rfmSegment, f.healthBand, this.maxScored + 1);
      if (ids.length > this.maxScored) {
        throw new AnalyticsError(
          AnalyticsErrorCode.SEGMENT_TOO_LARGE,
          `Segments by RFM segment or health band can list at most ${this.maxScored} scored customers; narrow it (a company, a band).`,
        );
      }
      criteria.ids = ids;
    }
    return criteria;
  }
}

/** The filter as stored: money in minor units, dates as dates, nothing unset. */
function storedFilter(dto: SegmentFilterDto): SegmentFilter {
  if (dto.revenueMin !== undefined && dto.revenueMax !== undefined && dto.revenueMin > dto.revenueMax) {
    throw new AnalyticsError(AnalyticsErrorCode.SEGMENT_INVALID_RANGE, 'revenueMin must not exceed revenueMax.');
  }
  if (dto.lastActivityFrom && dto.lastActivityTo && new Date(dto.lastActivityFrom) > new Date(dto.lastActivityTo)) {
    throw new AnalyticsError(
      AnalyticsErrorCode.SEGMENT_INVALID_RANGE,
      'lastActivityFrom must not be after lastActivityTo.',
    );
  }
  const f: SegmentFilter = {
    status: dto.status,
    source: dto.source,
    assignedTo: dto.assignedTo,
    tag: dto.tag?.map((t) => t.trim().toLowerCase()),
    q: dto.q,
    rfmSegment: dto.rfmSegment,
    healthBand: dto.healthBand,
    revenueMinMinor: dto.revenueMin === undefined ? undefined : toMinor(dto.revenueMin),
    revenueMaxMinor: dto.revenueMax === undefined ? undefined : toMinor(dto.revenueMax),
    lastActivityFrom: dto.lastActivityFrom ? new Date(dto.lastActivityFrom) : undefined,
    lastActivityTo: dto.lastActivityTo ? new Date(dto.lastActivityTo) : undefined,
  };
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as SegmentFilter;
}
