import { ApiProperty } from '@nestjs/swagger';
import { TenantRecord, TenantStatus } from '@app/tenancy';

export class TenantResponse {
  @ApiProperty({ example: 'acme' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: TenantStatus }) status: TenantStatus;
  @ApiProperty({ example: 'crm_t_acme' }) dbName: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() createdBy: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty() updatedBy: string;
}

export class TenantListResponse {
  @ApiProperty({ type: [TenantResponse] }) data: TenantResponse[];
}

export function toTenantResponse(t: TenantRecord): TenantResponse {
  return {
    id: t._id,
    name: t.name,
    status: t.status,
    dbName: t.dbName,
    createdAt: t.createdAt.toISOString(),
    createdBy: t.createdBy,
    updatedAt: t.updatedAt.toISOString(),
    updatedBy: t.updatedBy,
  };
}
