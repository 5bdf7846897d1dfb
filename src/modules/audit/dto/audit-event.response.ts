import { ApiProperty } from '@nestjs/swagger';
import type { FieldDiff } from '@app/common';
import type { AuditEventLean } from '../schemas/audit-event.schema';

export class AuditEventResponse {
  @ApiProperty() id: string;
  @ApiProperty({ example: '2025-01-02T03:04:05.678Z' }) at: string;
  @ApiProperty({ example: 'user-42' }) actor: string;
  @ApiProperty({ example: 'customer.status_changed' }) action: string;
  @ApiProperty({ example: 'customer' }) entityType: string;
  @ApiProperty() entityId: string;
  @ApiProperty({ nullable: true, type: String }) companyId: string | null;
  @ApiProperty({
    type: 'object',
    description: 'Changed fields only: { field: { from, to } }; values are whatever the field holds',
    example: { status: { from: 'active', to: 'churned' } },
    maxProperties: 100,
    additionalProperties: {
      type: 'object',
      properties: { from: {}, to: {} },
      required: ['from', 'to'],
      additionalProperties: false,
    },
  })
  changes: Record<string, FieldDiff>;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
}

export class AuditPageResponse {
  @ApiProperty({ type: [AuditEventResponse] }) data: AuditEventResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Opaque; pass as `cursor` for the next page' })
  nextCursor: string | null;
}

export function toAuditEventResponse(e: AuditEventLean): AuditEventResponse {
  return {
    id: e._id.toHexString(),
    at: e.at.toISOString(),
    actor: e.actor,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    companyId: e.companyId ?? null,
    changes: e.changes ?? {},
    requestId: e.requestId ?? null,
  };
}
