import { ApiProperty } from '@nestjs/swagger';
import { TIMELINE_KINDS, type TimelineKind } from '../timeline/timeline-source';

export class TimelineRefResponse {
  @ApiProperty({ example: 'activity', description: 'What kind of record the entry is about' }) type: string;
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a7b' }) id: string;
}

export class TimelineEntryResponse {
  // The live list itself (see TIMELINE_KINDS): filled by the modules' sources before the document is built.
  @ApiProperty({ type: 'string', enum: TIMELINE_KINDS as TimelineKind[] })
  kind: TimelineKind;
  @ApiProperty({ example: '2025-01-02T03:04:05.678Z' }) at: string;
  @ApiProperty({ example: 'user-42' }) actor: string;
  @ApiProperty({ example: 'Status changed from active to churned: moved to a competitor' }) summary: string;
  @ApiProperty({ type: TimelineRefResponse }) ref: TimelineRefResponse;
}

export class TimelinePageResponse {
  @ApiProperty({ type: [TimelineEntryResponse] }) data: TimelineEntryResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Opaque; pass as `cursor` for the next page' })
  nextCursor: string | null;
}
