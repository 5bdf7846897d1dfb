import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { expectHidden, type IsolationCheck, type IsolationProbe, IsolationProbeProvider } from '@app/tenancy';
import { CompanyService } from '../company';
import { CustomerService } from '../customer';
import { BatchService } from './batch/batch.service';
import { ExportService } from './export/export.service';
import { ImportRepository } from './import/import.repository';
import { ImportService } from './import/import.service';
import type { BatchOperationDto, BatchRequestDto } from './dto/batch.dto';
import type { ExportCustomersQueryDto } from './dto/export-query.dto';
import { ImportStatus } from './schemas/import-job.schema';

interface DataExchangeFixture {
  companyId: string;
  customerId?: string;
  customerVersion?: number;
  importId?: string;
  token: string;
}

/** How long cleanup waits for the planted (one-row, dry-run) import to finish before removing it. */
const SETTLE_MS = 10_000;

/**
 * Tenant B must not read, revert or download the errors of an import of tenant A, export A's company,
 * or change A's customer through a batch (upsert by A's external id included). Planted in a probe
 * company of its own: one customer and a one-row dry-run import (which writes no customer).
 */
@IsolationProbeProvider()
@Injectable()
export class DataExchangeIsolationProbe implements IsolationProbe<DataExchangeFixture> {
  readonly kind = 'data-exchange';

  constructor(
    private readonly companies: CompanyService,
    private readonly customers: CustomerService,
    private readonly imports: ImportService,
    private readonly importJobs: ImportRepository,
    private readonly exports: ExportService,
    private readonly batches: BatchService,
  ) {}

  async plant(): Promise<DataExchangeFixture> {
    const token = `isoprobe${randomBytes(6).toString('hex')}`;
    const company = await this.companies.create({ name: `isolation-probe-exchange-${token}` });
    const f: DataExchangeFixture = { companyId: company.id, token };
    try {
      const customer = await this.customers.create({
        companyId: company.id,
        name: `Probe ${token}`,
        externalId: token,
      });
      f.customerId = customer.id;
      f.customerVersion = customer.version;
      const csv = Buffer.from(`name,email\nProbe row ${token},not-an-email\n`);
      const job = await this.imports.accept({
        fields: { entity: 'customers', companyId: company.id, dryRun: 'true' },
        file: {
          filename: 'probe.csv',
          mimetype: 'text/csv',
          stream: (async function* () {
            yield csv;
          })(),
        },
      });
      f.importId = job.id;
      return f;
    } catch (e) {
      await this.cleanup(f);
      throw e;
    }
  }

  async attack(f: DataExchangeFixture): Promise<IsolationCheck[]> {
    const importId = f.importId as string;
    const customerId = f.customerId as string;
    return Promise.all([
      expectHidden('import get from tenant B', () => this.imports.get(importId)),
      expectHidden('import errors.csv from tenant B', () => this.imports.errorsCsv(importId)),
      expectHidden('import revert from tenant B', () => this.imports.revert(importId)),
      expectHidden("export of tenant A's company from tenant B", () =>
        this.exports.customers$({ companyId: f.companyId } as ExportCustomersQueryDto),
      ),
      this.batchRefused('batch update of the customer from tenant B', {
        op: 'update',
        id: customerId,
        data: { name: 'hijacked' },
      }),
      this.batchRefused('batch delete of the customer from tenant B', { op: 'delete', id: customerId }),
      this.batchRefused("batch update by tenant A's externalId from tenant B", {
        op: 'update',
        match: { externalId: f.token },
        data: { name: 'hijacked' },
      }),
    ]);
  }

  async verify(f: DataExchangeFixture): Promise<IsolationCheck[]> {
    const customer = await this.customers.get(f.customerId as string);
    const job = await this.imports.get(f.importId as string);
    const same = customer.version === f.customerVersion && job.created === 0 && job.updated === 0;
    return [{ name: 'customer and import unchanged in tenant A', passed: same, detail: same ? 'intact' : 'changed' }];
  }

  async cleanup(f: DataExchangeFixture): Promise<void> {
    if (f.importId) {
      const deadline = Date.now() + SETTLE_MS;
      for (;;) {
        const job = await this.imports.get(f.importId).catch(() => null);
        const busy = job && (job.status === ImportStatus.QUEUED || job.status === ImportStatus.RUNNING);
        if (!busy || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await this.importJobs.removeJob(f.importId);
    }
    if (f.customerId) await this.customers.erase(f.customerId, { leaveNoTrace: true });
    await this.companies.remove(f.companyId, { leaveNoTrace: true });
  }

  /** A batch item on A's record must answer 404 in B, like any id B does not have. */
  private async batchRefused(name: string, op: BatchOperationDto): Promise<IsolationCheck> {
    try {
      const { results } = await this.batches.run({ operations: [op] } as BatchRequestDto, '/api/v1/customers/batch');
      const status = results[0]?.status;
      return { name, passed: status === 404, detail: `item answered ${status}` };
    } catch (e) {
      return { name, passed: false, detail: `batch failed: ${(e as Error).message}` };
    }
  }
}
