import { toMajor } from '../../../domain/money';
import type { SegmentFilterResponse, SegmentResponse } from '../dto/segment.dto';
import type { SegmentLean } from '../schemas/segment.schema';

export function toSegmentResponse(s: SegmentLean): SegmentResponse {
  const f = s.filter;
  const filter: SegmentFilterResponse = Object.fromEntries(
    Object.entries({
      status: f.status,
      source: f.source,
      assignedTo: f.assignedTo,
      tag: f.tag,
      q: f.q,
      rfmSegment: f.rfmSegment,
      healthBand: f.healthBand,
      revenueMin: f.revenueMinMinor === undefined ? undefined : toMajor(f.revenueMinMinor),
      revenueMax: f.revenueMaxMinor === undefined ? undefined : toMajor(f.revenueMaxMinor),
      lastActivityFrom: f.lastActivityFrom ? new Date(f.lastActivityFrom).toISOString() : undefined,
      lastActivityTo: f.lastActivityTo ? new Date(f.lastActivityTo).toISOString() : undefined,
    }).filter(([, v]) => v !== undefined),
  ) as SegmentFilterResponse;
  return {
    id: s._id.toHexString(),
    name: s.name,
    description: s.description ?? null,
    companyId: s.companyId ?? null,
    filter,
    version: s.version,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    createdBy: s.createdBy,
    updatedBy: s.updatedBy,
  };
}
