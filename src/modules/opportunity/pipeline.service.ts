import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { canonical, isDuplicateKeyError, staleVersion } from '@app/common';
import { PublishesEvents, PurgeHooks, type RecordWriter, TenantContext, VersionedWriter } from '@app/tenancy';
import type { CreatePipelineDto, PipelineListResponse, PipelineResponse, UpdatePipelineDto } from './dto/pipeline.dto';
import { PipelineDomainEvent, PipelineEventName } from './events/opportunity.events';
import { OpportunityError, OpportunityErrorCode, pipelineNotFound } from './opportunity.errors';
import { toPipelineResponse } from './opportunity.mapper';
import { OpportunityRepository } from './opportunity.repository';
import {
  ClosedStage,
  DEFAULT_PIPELINE_ID,
  DEFAULT_STAGES,
  MAX_PIPELINES,
  PIPELINE_ENTITY,
  USAGE_LIMIT,
} from './opportunity.enums';
import { PipelineRepository } from './pipeline.repository';
import type { PipelineLean, Stage } from './schemas/pipeline.schema';

/**
 * Pipelines of the tenant (tenant-wide, read by everyone, written by admins). The default pipeline has a
 * fixed id, so provisioning, `npm run migrate` and a first use racing each other create exactly one.
 */
@PublishesEvents(Object.values(PipelineEventName))
@Injectable()
export class PipelineService {
  readonly records: RecordWriter<PipelineLean, PipelineResponse>;

  constructor(
    private readonly repo: PipelineRepository,
    private readonly opportunities: OpportunityRepository,
    private readonly context: TenantContext,
    private readonly purgeHooks: PurgeHooks,
    writer: VersionedWriter,
  ) {
    this.records = writer.for({
      entityType: PIPELINE_ENTITY,
      store: repo,
      toResponse: toPipelineResponse,
      companyOf: () => null,
      visible: () => true,
      notFound: pipelineNotFound,
      stale: (expected, actual) => staleVersion(PIPELINE_ENTITY, expected, actual),
      busy: () =>
        new OpportunityError(OpportunityErrorCode.PIPELINE_WRITE_CONFLICT, 'The pipeline is changing; retry.'),
      notAudited: ['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'closedStages'],
      event: (w) =>
        new PipelineDomainEvent(
          w.name as PipelineEventName,
          w.tenantId,
          w.actor,
          w.at,
          { ...w.after },
          w.changes,
          w.requestId,
        ),
    });
  }

  /** The default pipeline, created if missing (the same code at provisioning, migration and first use). */
  async ensureDefault(): Promise<{ pipeline: PipelineLean; created: boolean }> {
    const existing = await this.repo.findById(DEFAULT_PIPELINE_ID);
    if (existing) return { pipeline: existing, created: false };
    try {
      await this.records.create(
        {
          _id: new Types.ObjectId(DEFAULT_PIPELINE_ID),
          name: 'Sales',
          stages: DEFAULT_STAGES.map((s) => ({ ...s })),
          isDefault: true,
        },
        PipelineEventName.CREATED,
      );
      return { pipeline: await this.records.load(DEFAULT_PIPELINE_ID), created: true };
    } catch (e) {
      if (!isDuplicateKeyError(e)) throw e;
      return { pipeline: await this.records.load(DEFAULT_PIPELINE_ID), created: false };
    }
  }

  /** The pipeline by id, or the default one. */
  async resolve(id?: string): Promise<PipelineLean> {
    if (id === undefined || id === DEFAULT_PIPELINE_ID) return (await this.ensureDefault()).pipeline;
    return this.records.load(id);
  }

  async list(): Promise<PipelineListResponse> {
    await this.ensureDefault();
    const rows = await this.repo.all();
    return { data: rows.slice(0, MAX_PIPELINES).map(toPipelineResponse), nextCursor: null };
  }

  async get(id: string): Promise<PipelineResponse> {
    return toPipelineResponse(await this.resolve(id));
  }

  async create(dto: CreatePipelineDto): Promise<PipelineResponse> {
    const stages = checkedStages(dto.stages);
    if ((await this.repo.count()) >= MAX_PIPELINES) {
      throw new OpportunityError(
        OpportunityErrorCode.TOO_MANY_PIPELINES,
        `A tenant can have at most ${MAX_PIPELINES} pipelines.`,
      );
    }
    return this.records.create({ name: dto.name, stages, isDefault: false }, PipelineEventName.CREATED);
  }

  /** Rename, and rename, reorder, add or remove stages; removing one that holds open deals is a 409. */
  async update(id: string, dto: UpdatePipelineDto, expectedVersion?: number): Promise<PipelineResponse> {
    if (id === DEFAULT_PIPELINE_ID) await this.ensureDefault();
    const stages = dto.stages ? checkedStages(dto.stages) : undefined;
    return this.records.mutate(
      id,
      PipelineEventName.UPDATED,
      async (current) => {
        const set: Partial<PipelineLean> = {};
        if (dto.name !== undefined && dto.name !== current.name) set.name = dto.name;
        if (stages && canonical(stages) !== canonical(current.stages.map((s) => ({ ...s })))) {
          const kept = new Set(stages.map((s) => s.key));
          const removed = current.stages.map((s) => s.key).filter((k) => !kept.has(k));
          const open = await this.opportunities.openInStages(id, removed, USAGE_LIMIT);
          if (open) {
            throw new OpportunityError(
              OpportunityErrorCode.STAGE_IN_USE,
              `Stage ${removed.join(', ')} still holds ${open} open opportunit${open === 1 ? 'y' : 'ies'}; move them first.`,
              { remaining: { openOpportunities: open } },
            );
          }
          set.stages = stages;
        }
        return Object.keys(set).length ? { set } : null;
      },
      { expectedVersion },
    );
  }

  /** Removes a pipeline for good (isolation probe) with what other modules keep about it. */
  async erase(id: string, opts: { leaveNoTrace?: boolean } = {}): Promise<void> {
    await this.repo.remove(id);
    await this.purgeHooks.run({
      entityType: PIPELINE_ENTITY,
      entityId: id,
      companyId: null,
      leaveNoTrace: opts.leaveNoTrace,
    });
  }
}

/** The stage of a pipeline by key, or 422. */
export function openStage(pipeline: PipelineLean, key: string): Stage {
  const stage = pipeline.stages.find((s) => s.key === key);
  if (!stage) {
    throw new OpportunityError(
      OpportunityErrorCode.INVALID_STAGE,
      `Stage ${key} is not an open stage of pipeline ${pipeline.name} (${pipeline.stages.map((s) => s.key).join(', ')}); ` +
        'close a deal with /won or /lost.',
    );
  }
  return stage;
}

function checkedStages(stages: Stage[]): Stage[] {
  const keys = stages.map((s) => s.key);
  const reserved = keys.filter((k) => k === ClosedStage.WON || k === ClosedStage.LOST);
  if (reserved.length) {
    throw new OpportunityError(
      OpportunityErrorCode.INVALID_STAGES,
      'won and lost close every pipeline; they are not open stages.',
    );
  }
  if (new Set(keys).size !== keys.length) {
    throw new OpportunityError(OpportunityErrorCode.INVALID_STAGES, 'Stage keys must be unique within a pipeline.');
  }
  return stages.map((s) => ({ key: s.key, name: s.name, probability: s.probability }));
}
