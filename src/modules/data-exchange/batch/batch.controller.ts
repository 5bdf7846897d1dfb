import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinRole } from '@app/auth';
import { Role } from '@app/common';
import { Idempotent } from '@app/tenancy';
import { ApiProblemResponses } from '../../../swagger';
import { BatchRequestDto, BatchResponseDto, MAX_BATCH } from '../dto/batch.dto';
import { BatchService } from './batch.service';

@ApiTags('data exchange')
@ApiProblemResponses([422, 'Idempotency-Key reused with another body'])
@Controller('customers')
export class BatchController {
  constructor(private readonly batch: BatchService) {}

  @Post('batch')
  @MinRole(Role.MEMBER)
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary: `Up to ${MAX_BATCH} create/update/upsert/delete operations on customers, each atomic on its own, with a result (status, id or problem) per operation`,
  })
  @ApiOkResponse({ type: BatchResponseDto })
  run(@Body() dto: BatchRequestDto): Promise<BatchResponseDto> {
    return this.batch.run(dto, '/api/v1/customers/batch');
  }
}
