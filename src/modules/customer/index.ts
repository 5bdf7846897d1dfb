export { CustomerModule } from './customer.module';
export { CUSTOMER_ENTITY } from './customer-records';
export { type CustomerDeletionCheck, CustomerDeletionCheckProvider } from './customer-deletion';
export {
  CUSTOMER_PATCHABLE_FIELDS,
  CustomerService,
  type CreateCustomerOptions,
  type CustomerScanRow,
} from './customer.service';
export {
  type CustomerSegmentCriteria,
  type CustomerSegmentResolver,
  CustomerSegmentResolverProvider,
} from './customer-segments';
export { CustomerActivityRollups, type CustomerActivityRollup } from './customer-activity-rollups.service';
export type { CustomerMatchField } from './customer-search';
export { CustomerError, CustomerErrorCode } from './customer.errors';
export { UpdateCustomerDto } from './dto/update-customer.dto';
export { ListCustomersQueryDto } from './dto/list-customers-query.dto';
export { CLIENT_STATUSES, CustomerSize, CustomerSource, CustomerStatus } from './customer.enums';
export { RevenueSource } from './revenue/revenue.enums';
export {
  type CustomerLedgerPurchases,
  type LedgerPurchase,
  PurchaseHistoryReader,
} from './revenue/purchase-history.reader';
export type { RevenueInput, RevenueReversalInput } from './revenue/revenue-ledger.service';
export { CreateCustomerDto } from './dto/create-customer.dto';
export { CustomerResponse, CustomerPageResponse } from './dto/customer.response';
export {
  CUSTOMER_EVENT_NAMES,
  CustomerDomainEvent,
  CustomerEventName,
  type CustomerSnapshot,
  type FieldChange,
} from './events/customer.events';
export { AuditTimelineSource } from './timeline/audit-timeline.source';
export {
  isBefore,
  newestFirst,
  olderThan,
  type TimelineEntry,
  type TimelineKind,
  type TimelinePosition,
  type TimelineQuery,
  type TimelineSource,
  TIMELINE_KINDS,
  TimelineSourceProvider,
} from './timeline/timeline-source';
export { type CustomerMergeParticipant, CustomerMergeParticipantProvider } from './customer-merge-participant';
export { CustomerMergeFailpoint } from './merge/customer-merge.service';
export { CustomerMergeCompletedEvent, CustomerMergeEventName } from './merge/customer-merge.events';
