import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional } from 'class-validator';
import { PageQueryDto } from '@app/common';
import { DeliveryStatus } from '../schemas/webhook-delivery.schema';

export class ListDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DeliveryStatus })
  @IsOptional()
  @IsEnum(DeliveryStatus)
  status?: DeliveryStatus;
}

export class DeliveryAttemptResponse {
  @ApiProperty() at: string;
  @ApiProperty({ nullable: true, type: Number }) responseStatus: number | null;
  @ApiProperty() durationMs: number;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
}

export class WebhookDeliveryResponse {
  @ApiProperty() id: string;
  @ApiProperty() webhookId: string;
  @ApiProperty({ description: 'The webhook-id header and the body id, the same on every attempt' })
  messageId: string;
  @ApiProperty({ example: 'customer.updated' }) eventType: string;
  @ApiProperty({ enum: DeliveryStatus }) status: DeliveryStatus;
  @ApiProperty() attempts: number;
  @ApiProperty({ nullable: true, type: String }) nextAttemptAt: string | null;
  @ApiProperty({ nullable: true, type: String }) lastAttemptAt: string | null;
  @ApiProperty({ nullable: true, type: Number }) responseStatus: number | null;
  @ApiProperty({ nullable: true, type: Number }) durationMs: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'The start of the response body (1 KiB at most)' })
  responseBody: string | null;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ type: [DeliveryAttemptResponse], description: 'The last attempts, newest last' })
  history: DeliveryAttemptResponse[];
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class WebhookDeliveryPageResponse {
  @ApiProperty({ type: [WebhookDeliveryResponse] }) data: WebhookDeliveryResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
