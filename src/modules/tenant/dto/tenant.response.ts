import { ApiProperty } from '@nestjs/swagger';
import { TenantRecord, TenantStatus } from '@app/tenancy';

export class TenantResponse {
  @ApiProperty({ example: 'acme' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: TenantStatus }) status: TenantStatus;
  @ApiProperty({ example: 'crm_t_acme' }) dbName: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Immutable id of this incarnation of the tenant (a new one if the slug is deleted and created again); ' +
      'identity providers may put it in tokens as the `tuid` claim',
  })
  uid: string | null;
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
    uid: t.uid ?? null,
    createdAt: t.createdAt.toISOString(),
    createdBy: t.createdBy,
    updatedAt: t.updatedAt.toISOString(),
    updatedBy: t.updatedBy,
  };
}
