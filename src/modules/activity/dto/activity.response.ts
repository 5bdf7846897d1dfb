import { ApiProperty } from '@nestjs/swagger';
import { ActivityTargetType, ActivityType, TaskStatus } from '../activity.enums';

export class ActivityTargetResponse {
  @ApiProperty({ enum: ActivityTargetType }) type: ActivityTargetType;
  @ApiProperty() id: string;
}

export class ActivityResponse {
  @ApiProperty() id: string;
  @ApiProperty() companyId: string;
  @ApiProperty({ enum: ActivityType }) type: ActivityType;
  @ApiProperty() subject: string;
  @ApiProperty({ nullable: true, type: String }) body: string | null;
  @ApiProperty({ type: ActivityTargetResponse, description: 'The one record the activity is about' })
  target: ActivityTargetResponse;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      "The customer the activity is filed under (its timeline, rollups, `customerId=` lists): the target customer, or a deal's customer; null for a lead until it is converted",
  })
  customerId: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Set when the target is a lead' })
  leadId: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Set when the target is an opportunity' })
  opportunityId: string | null;
  @ApiProperty() occurredAt: string;
  @ApiProperty({ nullable: true, type: String }) assignedTo: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Calls and meetings' }) durationMinutes: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'Calls and meetings' }) outcome: string | null;
  @ApiProperty({ nullable: true, enum: TaskStatus, description: 'Tasks only' }) status: TaskStatus | null;
  @ApiProperty({ nullable: true, type: String, description: 'Tasks only' }) dueAt: string | null;
  @ApiProperty({ nullable: true, type: String }) completedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) completedBy: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Tasks: when it was last reopened' })
  reopenedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Tasks: who last reopened it' })
  reopenedBy: string | null;
  @ApiProperty() createdBy: string;
  @ApiProperty() updatedBy: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ description: 'Also sent as ETag; send it back in If-Match' }) version: number;
}

export class ActivityPageResponse {
  @ApiProperty({ type: [ActivityResponse] }) data: ActivityResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
