export enum LeadStatus {
  NEW = 'new',
  CONTACTED = 'contacted',
  QUALIFIED = 'qualified',
  UNQUALIFIED = 'unqualified',
  CONVERTED = 'converted',
}

export enum LeadSource {
  DIRECT = 'direct',
  REFERRAL = 'referral',
  WEBSITE = 'website',
  PARTNER = 'partner',
  EVENT = 'event',
  OTHER = 'other',
}

/** Failpoints of the conversion (see Failpoints): a crash between its writes. */
export enum LeadConversionFailpoint {
  AFTER_CUSTOMER = 'lead.convert.after-customer',
  AFTER_OPPORTUNITY = 'lead.convert.after-opportunity',
}
