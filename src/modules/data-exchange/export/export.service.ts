import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import { Readable, Transform } from 'node:stream';
import { TenantContext, TenantRunner } from '@app/tenancy';
import { type CustomerResponse, CustomerService } from '../../customer';
import type { ExportCustomersQueryDto, ExportFormat } from '../dto/export-query.dto';
import { CUSTOMER_CSV_COLUMNS, customerCsvRow, neutraliseFormula } from './customer-columns';

/** Customers read per database round trip while streaming. */
const EXPORT_PAGE = 500;

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/**
 * Streams every customer matching the list filters, one page of EXPORT_PAGE in memory at a time:
 * the next page is read only when the client has taken the previous one (stream back-pressure).
 * CSV cells that a spreadsheet would run as formulas are neutralised.
 */
@Injectable()
export class ExportService {
  constructor(
    private readonly customers: CustomerService,
    private readonly context: TenantContext,
    private readonly runner: TenantRunner,
  ) {}

  /** Checks the filters (a company of another tenant: 404 before any byte is sent), then streams. */
  async customers$(query: ExportCustomersQueryDto): Promise<Readable> {
    const { format, ...filters } = query;
    const pages = this.customers.pages(filters, EXPORT_PAGE);
    const first = await pages.next();
    // Later pages are read when the stream is pulled, outside the request's async context: they run
    // in the same tenant, as the same principal, explicitly.
    const tenantId = this.context.tenantId;
    const principal = this.context.principal;
    const runner = this.runner;
    async function* rows(): AsyncGenerator<CustomerResponse> {
      if (first.done) return;
      yield* first.value;
      for (;;) {
        const next = await runner.runInTenant(tenantId, () => pages.next(), principal);
        if (next.done) return;
        yield* next.value;
      }
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
