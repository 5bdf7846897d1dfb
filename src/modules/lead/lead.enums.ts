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
