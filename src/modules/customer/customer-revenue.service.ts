import { Inject, Injectable } from '@nestjs/common';
import { CUSTOMER_RECORDS, type CustomerRecords } from './customer-records';
import { MAX_REVENUE_REFS } from './customer.enums';
import { toMinor } from '../../domain/money';
import type { RecordRevenueDto } from './dto/customer-actions.dto';
import type { CustomerResponse } from './dto/customer.response';
import { CustomerEventName } from './events/customer.events';

/**
 * Purchases. One conditional update does `$inc` of the total (integer cents) and the count,
 * `$min`/`$max` of the first/last purchase dates, and records the reference in the same write
 * (guarded by `revenueRefs: { $ne: ref }` and the version), so a retried call with the same
 * reference counts once. The refs array keeps the last MAX_REVENUE_REFS references: trimming
 * happens in that same write because FerretDB ignores `$push` `$slice`.
 */
@Injectable()
export class CustomerRevenueService {
  constructor(@Inject(CUSTOMER_RECORDS) private readonly records: CustomerRecords) {}

  record(customerId: string, dto: RecordRevenueDto): Promise<CustomerResponse> {
    const amount = toMinor(dto.amount);
    const at = new Date(dto.purchasedAt);
    const ref = dto.reference;
    return this.records.mutate(customerId, CustomerEventName.REVENUE_RECORDED, (c) => {
      if (ref !== undefined && c.revenueRefs.includes(ref)) return null;
      return {
        inc: { totalRevenueMinor: amount, purchaseCount: 1 },
        min: { firstPurchaseAt: at },
        max: { lastPurchaseAt: at },
        set: ref === undefined ? {} : { revenueRefs: [...c.revenueRefs, ref].slice(-MAX_REVENUE_REFS) },
        guard: ref === undefined ? {} : { revenueRefs: { $ne: ref } },
      };
    });
  }
}
