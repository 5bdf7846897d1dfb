import { toMajor } from '../../domain/money';
import type { PipelineResponse } from './dto/pipeline.dto';
import type { OpportunityResponse } from './dto/opportunity.response';
import { ClosedStage } from './opportunity.enums';
import type { OpportunityLean } from './schemas/opportunity.schema';
import type { PipelineLean } from './schemas/pipeline.schema';

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

export function toOpportunityResponse(o: OpportunityLean): OpportunityResponse {
  return {
    id: o._id.toHexString(),
    companyId: o.companyId,
    customerId: o.customerId,
    pipelineId: o.pipelineId,
    name: o.name,
    amount: toMajor(o.amountMinor),
    stage: o.stage,
    status: o.status,
    probability: o.probability,
    expectedCloseAt: iso(o.expectedCloseAt),
    closedAt: iso(o.closedAt),
    ownerId: o.ownerId ?? null,
    lostReason: o.lostReason ?? null,
    leadId: o.leadId ?? null,
    stageHistory: (o.stageHistory ?? []).map((h) => ({
      from: h.from ?? null,
      to: h.to,
      by: h.by,
      at: h.at.toISOString(),
    })),
    createdBy: o.createdBy,
    updatedBy: o.updatedBy,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
    version: o.version,
  };
}

export function toPipelineResponse(p: PipelineLean): PipelineResponse {
  return {
    id: p._id.toHexString(),
    name: p.name,
    stages: p.stages.map((s) => ({ key: s.key, name: s.name, probability: s.probability })),
    closedStages: [ClosedStage.WON, ClosedStage.LOST],
    isDefault: p.isDefault,
    createdBy: p.createdBy,
    updatedBy: p.updatedBy,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    version: p.version,
  };
}
