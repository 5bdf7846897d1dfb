import { DomainEvent } from '@app/tenancy';

/**
 * One event per merge, besides the per-record ones (`customer.updated` on the survivor,
 * `customer.merged` on each source, and the moved records' own `*.updated`).
 */
export enum CustomerMergeEventName {
  COMPLETED = 'customer.merge_completed',
}

export class CustomerMergeCompletedEvent extends DomainEvent {
  readonly name = CustomerMergeEventName.COMPLETED;

  constructor(
    readonly tenantId: string,
    readonly companyId: string,
    /** The survivor. */
    readonly customerId: string,
    readonly mergeId: string,
    readonly sourceIds: readonly string[],
    /** Records moved to the survivor, by kind (`activities`, `opportunities`, `revenueEntries`, `contacts`). */
    readonly moved: Readonly<Record<string, number>>,
    readonly actor: string,
    readonly at: Date,
    readonly requestId?: string,
  ) {
    super();
  }

  payload(): Record<string, unknown> {
    return {
      companyId: this.companyId,
      customerId: this.customerId,
      mergeId: this.mergeId,
      sourceIds: [...this.sourceIds],
      moved: { ...this.moved },
      actor: this.actor,
      at: new Date(this.at).toISOString(),
    };
  }
}
