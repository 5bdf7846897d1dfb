import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MinRole } from '@app/auth';
import { ParseObjectIdPipe, Role } from '@app/common';
import { Idempotent } from '@app/tenancy';
import { ApiProblemResponses } from '../../../swagger';
import { ImportAcceptedResponse, ImportResponse } from '../dto/import.dto';
import { IMPORT_ENTITIES } from './import-entity';
import { type ImportUpload, ImportService } from './import.service';
import { DataExchangeError, DataExchangeErrorCode } from '../data-exchange.errors';

@ApiTags('data exchange')
@ApiProblemResponses([409, 'The import cannot be reverted now'])
@Controller('imports')
export class ImportController {
  constructor(private readonly imports: ImportService) {}

  @Post()
  @MinRole(Role.MEMBER)
  @HttpCode(202)
  @Idempotent()
  @ApiOperation({
    summary:
      'Import customers or leads from a CSV (UTF-8, `,` or `;`, quoted fields) or NDJSON file as a background job; dryRun validates only',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'entity', 'companyId'],
      properties: {
        file: {
          type: 'string',
          format: 'binary',
          maxLength: 104_857_600,
          example: 'name,email,externalId\nAcme Corp,billing@acme.com,erp-10042\n',
          description: 'CSV with a header row, or NDJSON (.ndjson/.jsonl); IMPORT_MAX_FILE_BYTES at most',
        },
        entity: {
          type: 'string',
          enum: [...IMPORT_ENTITIES],
          example: 'customers',
          description: 'customers: the fields of POST /customers; leads: the fields of POST /leads',
        },
        companyId: { type: 'string', pattern: '^[0-9a-f]{24}$', maxLength: 24, example: '665f1c2e8b3e4a1d2c3b4a59' },
        mode: { type: 'string', enum: ['create', 'upsert', 'update'], description: 'Default: create' },
        match: { type: 'string', enum: ['email', 'website', 'externalId'] },
        mapping: { type: 'string', maxLength: 10000, description: 'JSON object: column → field ("" skips it)' },
        dryRun: { type: 'string', enum: ['true', 'false'], description: 'Default: false' },
      },
    },
  })
  @ApiAcceptedResponse({ type: ImportAcceptedResponse, description: 'Queued; follow GET /imports/:id' })
  async create(@Req() req: FastifyRequest): Promise<ImportAcceptedResponse> {
    if (!req.isMultipart()) {
      throw new DataExchangeError(
        DataExchangeErrorCode.IMPORT_FILE_REQUIRED,
        'Send multipart/form-data with a `file` field.',
      );
    }
    const fields: Record<string, string> = {};
    // Fields sent before the file are read first; the file is streamed into storage as it arrives.
    for await (const part of req.parts()) {
      if (part.type === 'field') {
        if (typeof part.value === 'string') fields[part.fieldname] = part.value;
        continue;
      }
      if (part.fieldname !== 'file') {
        part.file.resume();
        continue;
      }
      const upload: ImportUpload = {
        fields,
        file: { filename: part.filename, mimetype: part.mimetype, stream: part.file },
      };
      const accepted = await this.imports.accept(upload);
      if (part.file.truncated) {
        throw new DataExchangeError(DataExchangeErrorCode.IMPORT_TOO_LARGE, 'The file is larger than the limit.');
      }
      return accepted;
    }
    return this.imports.accept({ fields, file: null });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status, progress, counts and row errors of an import' })
  @ApiOkResponse({ type: ImportResponse })
  get(@Param('id', ParseObjectIdPipe) id: string): Promise<ImportResponse> {
    return this.imports.get(id);
  }

  @Get(':id/errors.csv')
  @ApiOperation({ summary: 'The row errors of an import as CSV (row, field, message)' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ content: { 'text/csv': { schema: { type: 'string', maxLength: 100_000_000 } } } })
  async errors(@Param('id', ParseObjectIdPipe) id: string, @Res() reply: FastifyReply): Promise<void> {
    const stream = await this.imports.errorsCsv(id);
    await reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="import-${id}-errors.csv"`)
      .send(stream);
  }

  @Post(':id/revert')
  @MinRole(Role.ADMIN)
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary:
      'Undo an import: remove what it created, restore what it updated (records changed since are reported and left)',
  })
  @ApiOkResponse({ type: ImportResponse })
  revert(@Param('id', ParseObjectIdPipe) id: string): Promise<ImportResponse> {
    return this.imports.revert(id);
  }
}
