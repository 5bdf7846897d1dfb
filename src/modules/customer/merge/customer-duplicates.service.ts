import { Injectable } from '@nestjs/common';
import type { Types } from 'mongoose';
import { TenantContext } from '@app/tenancy';
import { CompanyService } from '../../company';
import { CUSTOMER_RECORDS, type CustomerRecords } from '../customer-records';
import { customerListFilter } from '../customer-search';
import { CustomerRepository } from '../customer.repository';
import type { CustomerLean } from '../schemas/customer.schema';
import { Inject } from '@nestjs/common';
import type { DuplicateGroupsResponse, DuplicatesQueryDto, DuplicateSummary } from './dto/duplicates.dto';
import { type DuplicateCandidate, duplicateGroups, duplicatesOf } from './duplicate-keys';

/**
 * At most this many customers of a company are read for one duplicates answer (in id order, pages of
 * SCAN_PAGE, only the fields detection needs: ~1 KB each with contacts, so a few MB at most). A larger
 * company gets an answer over its first DUPLICATE_SCAN_CAP customers, marked `complete: false`.
 */
export const DUPLICATE_SCAN_CAP = 5000;
const SCAN_PAGE = 500;
const DEFAULT_GROUPS = 25;
/** Members listed per group (a merge takes a survivor and at most 9 sources). */
const GROUP_MEMBERS = 10;

/** Likely duplicates among a company's live customers (see duplicate-keys.ts for the evidence). */
@Injectable()
export class CustomerDuplicatesService {
  constructor(
    private readonly repo: CustomerRepository,
    @Inject(CUSTOMER_RECORDS) private readonly records: CustomerRecords,
    private readonly companies: CompanyService,
    private readonly context: TenantContext,
  ) {}

  /** GET /customers/duplicates?companyId=: groups, best first. */
  async ofCompany(query: DuplicatesQueryDto): Promise<DuplicateGroupsResponse> {
    await this.companies.assertVisible(query.companyId);
    const { rows, complete } = await this.scan(query.companyId);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const groups = duplicateGroups(rows).slice(0, query.limit ?? DEFAULT_GROUPS);
    return {
      data: groups.map((g) => ({
        customers: g.ids.slice(0, GROUP_MEMBERS).map((id) => summary(byId.get(id) as Row)),
        size: g.ids.length,
        reasons: g.reasons,
        score: g.score,
      })),
      scanned: rows.length,
      complete,
    };
  }

  /** GET /customers/:id/duplicates: the customer paired with each likely duplicate, best first. */
  async ofCustomer(id: string, query: { limit?: number }): Promise<DuplicateGroupsResponse> {
    const self = await this.records.load(id);
    const { rows, complete } = await this.scan(self.companyId);
    if (!rows.some((r) => r.id === id)) rows.push(row(self));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const me = summary(byId.get(id) as Row);
    return {
      data: duplicatesOf(id, rows)
        .slice(0, query.limit ?? DEFAULT_GROUPS)
        .map((d) => ({ customers: [me, summary(byId.get(d.id) as Row)], size: 2, reasons: d.reasons, score: d.score })),
      scanned: rows.length,
      complete,
    };
  }

  private async scan(companyId: string): Promise<{ rows: Row[]; complete: boolean }> {
    const filter = customerListFilter({ companyId }, this.context.principal.companies) ?? { _id: null };
    const rows: Row[] = [];
    let after: Types.ObjectId | null = null;
    while (rows.length < DUPLICATE_SCAN_CAP) {
      const page = await this.repo.duplicateCandidates(
        filter,
        after,
        Math.min(SCAN_PAGE, DUPLICATE_SCAN_CAP - rows.length),
      );
      rows.push(...page.map(row));
      if (page.length < SCAN_PAGE) return { rows, complete: true };
      after = page[page.length - 1]._id;
    }
    const more = await this.repo.duplicateCandidates(filter, after, 1);
    return { rows, complete: more.length === 0 };
  }
}

type Row = DuplicateCandidate & { updatedAt: Date };

function row(c: CustomerLean): Row {
  return {
    id: c._id.toHexString(),
    name: c.name,
    email: c.email ?? null,
    phone: c.phone ?? null,
    website: c.website ?? null,
    contacts: (c.contacts ?? []).map((p) => ({ email: p.email ?? null, phone: p.phone ?? null })),
    updatedAt: c.updatedAt,
  };
}

function summary(r: Row): DuplicateSummary {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    phone: r.phone,
    website: r.website,
    updatedAt: r.updatedAt.toISOString(),
  };
}
