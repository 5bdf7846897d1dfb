export enum CustomerStatus {
  ACTIVE = 'active',
  INACTIVE = 'inactive',
  CHURNED = 'churned',
  /** Merged into another customer (`mergedInto`): set by a merge only, never by a client. */
  MERGED = 'merged',
}

/** Statuses a client may set or filter on: `merged` is the end state of a merge's sources. */
export const CLIENT_STATUSES = [CustomerStatus.ACTIVE, CustomerStatus.INACTIVE, CustomerStatus.CHURNED] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

export enum CustomerSource {
  DIRECT = 'direct',
  REFERRAL = 'referral',
  WEBSITE = 'website',
  PARTNER = 'partner',
  EVENT = 'event',
  LEAD_CONVERSION = 'lead_conversion',
  OTHER = 'other',
}

/** Sources a client may set: `lead_conversion` is provenance only conversion records. */
export const CLIENT_SOURCES: readonly CustomerSource[] = Object.values(CustomerSource).filter(
  (s) => s !== CustomerSource.LEAD_CONVERSION,
);

/** Head-count bands, as CRM forms usually offer them. */
export enum CustomerSize {
  MICRO = '1-10',
  SMALL = '11-50',
  MEDIUM = '51-200',
  LARGE = '201-1000',
  ENTERPRISE = '1001+',
}

export const MAX_TAGS = 50;
/** Kept in the document for the status timeline; older entries remain in the audit log. */
export const MAX_STATUS_HISTORY = 200;
/**
 * Revenue references remembered per customer for de-duplication: a retry is expected within
 * minutes, not after this many newer purchases. Bounded so the document can not grow forever.
 */
export const MAX_REVENUE_REFS = 200;
