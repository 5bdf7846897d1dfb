import type { CustomerResponse } from '../../customer';

/**
 * The CSV shape of a customer, shared by export and import so an exported file imports back to the
 * same data: plain fields as they are, the address spread over its own columns, tags and contacts
 * as JSON arrays (a tag may contain any separator a spreadsheet would split on).
 */
export const CUSTOMER_CSV_COLUMNS = [
  'id',
  'companyId',
  'externalId',
  'name',
  'status',
  'source',
  'email',
  'phone',
  'website',
  'industry',
  'size',
  'street',
  'city',
  'region',
  'postalCode',
  'country',
  'notes',
  'tags',
  'assignedTo',
  'contacts',
  'totalRevenue',
  'purchaseCount',
  'createdAt',
  'updatedAt',
] as const;

export type CustomerCsvColumn = (typeof CUSTOMER_CSV_COLUMNS)[number];

/** Columns an import reads back (the rest are computed by the server; rows go to the import's company). */
export const IMPORTABLE_COLUMNS: readonly string[] = [
  'externalId',
  'name',
  'status',
  'source',
  'email',
  'phone',
  'website',
  'industry',
  'size',
  'street',
  'city',
  'region',
  'postalCode',
  'country',
  'notes',
  'tags',
  'assignedTo',
  'contacts',
];

export const ADDRESS_COLUMNS = ['street', 'city', 'region', 'postalCode', 'country'] as const;

/** One CSV row of a customer (strings only; empty for null). */
export function customerCsvRow(c: CustomerResponse): Record<CustomerCsvColumn, string> {
  const text = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return {
    id: c.id,
    companyId: c.companyId,
    externalId: text(c.externalId),
    name: c.name,
    status: c.status,
    source: c.source,
    email: text(c.email),
    phone: text(c.phone),
    website: text(c.website),
    industry: text(c.industry),
    size: text(c.size),
    street: text(c.address?.street),
    city: text(c.address?.city),
    region: text(c.address?.region),
    postalCode: text(c.address?.postalCode),
    country: text(c.address?.country),
    notes: text(c.notes),
    tags: c.tags.length ? JSON.stringify(c.tags) : '',
    assignedTo: text(c.assignedTo),
    contacts: c.contacts.length
      ? JSON.stringify(
          c.contacts.map((p) => ({
            firstName: p.firstName,
            lastName: p.lastName,
            email: p.email,
            phone: p.phone,
            title: p.title,
            isPrimary: p.isPrimary,
          })),
        )
      : '',
    totalRevenue: String(c.totalRevenue),
    purchaseCount: String(c.purchaseCount),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** Cells a spreadsheet would run as a formula (OWASP CSV injection): = + - @ tab CR first. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes a would-be formula with `'`, which spreadsheets show as text and never evaluate. */
export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** The cell as it was before neutraliseFormula (an import of an exported file reads the same data). */
export function restoreNeutralised(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
