import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import { Readable, Transform } from 'node:stream';
import { type CustomerResponse, CustomerService } from '../../customer';
import type { ExportCustomersQueryDto, ExportFormat } from '../dto/export-query.dto';
import { CUSTOMER_CSV_COLUMNS, customerCsvRow, neutraliseFormula } from './customer-columns';

/** Customers per cursor batch (one database round trip) while streaming. */
const EXPORT_BATCH = 500;

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/**
 * Streams every customer matching the list filters from one database cursor, a batch of EXPORT_BATCH
 * in memory at a time: the next batch is read only when the client has taken the previous one (stream
 * back-pressure). CSV cells that a spreadsheet would run as formulas are neutralised.
 */
@Injectable()
export class ExportService {
  constructor(private readonly customers: CustomerService) {}

  /** Checks the filters (a company of another tenant: 404 before any byte is sent), then streams. */
  async customers$(query: ExportCustomersQueryDto): Promise<Readable> {
    const { format, ...filters } = query;
    const stream = this.customers.stream(filters, EXPORT_BATCH);
    // The first customer is read here, in the request: the filters' checks fail before the response
    // starts. The cursor then belongs to the tenant it was opened in; later reads need no context.
    const first = await stream.next();
    async function* rows(): AsyncGenerator<CustomerResponse> {
      if (first.done) return;
      yield first.value;
      yield* stream;
    }
    const source = Readable.from(rows());
    if ((format ?? 'csv') === 'ndjson') {
      return source.pipe(
        new Transform({
          writableObjectMode: true,
          transform(c: CustomerResponse, _enc, done) {
            done(null, `${JSON.stringify(c)}\n`);
          },
        }),
      );
    }
    const csv = stringify({
      header: true,
      columns: [...CUSTOMER_CSV_COLUMNS],
      cast: { string: neutraliseFormula },
    });
    return source.map(customerCsvRow).pipe(csv);
  }
}
