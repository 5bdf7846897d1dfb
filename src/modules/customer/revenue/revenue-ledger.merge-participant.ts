import { Injectable } from '@nestjs/common';
import { isDuplicateKeyError } from '@app/common';
import { type CustomerMergeParticipant, CustomerMergeParticipantProvider } from '../customer-merge-participant';
import type { RevenueEntryLean } from './revenue-entry.schema';
import { RevenueLedgerRepository } from './revenue-ledger.repository';
import { RevenueSource } from './revenue.enums';

const BATCH = 500;

/**
 * A merge's revenue part: the sources' ledger entries are re-filed under the survivor (the merge then
 * recomputes the survivor's totals from its ledger). A deal's entries are also re-keyed to the survivor
 * (`<survivor>|ref:opportunity:<id>`), so reopening a moved won deal later finds and reverses its entry;
 * a manual entry keeps its key (two duplicates may carry the same reference, and both purchases stay
 * counted). Idempotent: what already points at the survivor is not found again.
 */
@CustomerMergeParticipantProvider()
@Injectable()
export class RevenueLedgerMergeParticipant implements CustomerMergeParticipant {
  readonly name = 'revenueEntries';

  constructor(private readonly repo: RevenueLedgerRepository) {}

  count(sourceIds: readonly string[]): Promise<number> {
    return this.repo.countForCustomers(sourceIds);
  }

  async repoint(sourceIds: readonly string[], survivorId: string): Promise<number> {
    let moved = 0;
    for (;;) {
      const entries = await this.repo.findForCustomers(sourceIds, BATCH);
      if (!entries.length) return moved;
      for (const e of entries) {
        await this.refile(e, survivorId);
        moved++;
      }
    }
  }

  private async refile(e: RevenueEntryLean, survivorId: string): Promise<void> {
    const rekey = (k: string | null) =>
      e.source === RevenueSource.OPPORTUNITY && k !== null ? k.replace(`${e.customerId}|`, `${survivorId}|`) : k;
    try {
      await this.repo.refile(e._id, {
        customerId: survivorId,
        key: rekey(e.key) as string,
        reverses: rekey(e.reverses),
      });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      await this.repo.refile(e._id, { customerId: survivorId, key: e.key, reverses: e.reverses });
    }
  }
}
