import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ExportCustomersQueryDto } from '../dto/export-query.dto';
import { EXPORT_CONTENT_TYPES, ExportService } from './export.service';

@ApiTags('data exchange')
@Controller('customers')
export class ExportController {
  constructor(private readonly exports: ExportService) {}

  @Get('export')
  @ApiOperation({
    summary:
      'Stream every customer matching the list filters as CSV (formula cells neutralised; imports back to the same data) or NDJSON',
  })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiOkResponse({
    description: 'CSV with a header row (columns as in the import), or one customer (as GET /customers/:id) per line',
    content: {
      'text/csv': { schema: { type: 'string', maxLength: 1_000_000_000 } },
      'application/x-ndjson': { schema: { type: 'string', maxLength: 1_000_000_000 } },
    },
  })
  async export(@Query() query: ExportCustomersQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const stream = await this.exports.customers$(query);
    const format = query.format ?? 'csv';
    await reply
      .header('content-type', EXPORT_CONTENT_TYPES[format])
      .header('content-disposition', `attachment; filename="customers.${format}"`)
      .send(stream);
  }
}
