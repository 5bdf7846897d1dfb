import { PartialType } from '@nestjs/swagger';
import { CreateLeadDto } from './create-lead.dto';

/** Partial update; `contacts`, when given, replaces the list. Converted leads are read-only. */
export class UpdateLeadDto extends PartialType(CreateLeadDto) {}
