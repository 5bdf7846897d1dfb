import { ADDRESS_COLUMNS, IMPORTABLE_COLUMNS, restoreNeutralised } from '../export/customer-columns';

/** Columns an exported file has that an import skips: the server computes them. */
const COMPUTED_COLUMNS = new Set([
  'id',
  'companyId',
  'totalRevenue',
  'purchaseCount',
  'createdAt',
  'updatedAt',
  'firstPurchaseAt',
  'lastPurchaseAt',
  'lastActivityAt',
  'openTasks',
  'leadId',
  'statusHistory',
  'createdBy',
  'updatedBy',
  'version',
  'address',
]);
const JSON_COLUMNS = new Set(['tags', 'contacts']);

export class RowProblem extends Error {
  constructor(
    readonly field: string | null,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Where each column goes: the mapping (column → field) first, then columns named like a field.
 * Unknown columns (neither mapped, nor a field, nor computed) are refused as a whole: an import
 * that silently dropped a column would look complete.
 */
export function resolveColumns(
  columns: readonly string[],
  mapping: Record<string, string>,
): { targets: Map<string, string>; unknown: string[] } {
  const targets = new Map<string, string>();
  const unknown: string[] = [];
  for (const column of columns) {
    const field = mapping[column] ?? column;
    if (IMPORTABLE_COLUMNS.includes(field)) targets.set(column, field);
    else if (!COMPUTED_COLUMNS.has(field) && !(column in mapping && mapping[column] === '')) unknown.push(column);
  }
  return { targets, unknown };
}

/** Mapping targets must be fields an import can write (or '' to skip a column). */
export function invalidMappingTargets(mapping: Record<string, string>): string[] {
  return Object.values(mapping).filter((f) => f !== '' && !IMPORTABLE_COLUMNS.includes(f));
}

/**
 * One CSV row as the body of a customer create: empty cells are absent, neutralised formula cells
 * read back as written, tags are a JSON array or a `;`/`,` separated list, contacts a JSON array,
 * the address columns one address.
 */
export function csvRowToData(
  row: Record<string, string>,
  targets: Map<string, string>,
  companyId: string,
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const address: Record<string, string> = {};
  for (const [column, field] of targets) {
    const raw = row[column];
    if (raw === undefined || raw === '') continue;
    const value = restoreNeutralised(raw);
    if ((ADDRESS_COLUMNS as readonly string[]).includes(field)) address[field] = value;
    else if (JSON_COLUMNS.has(field)) data[field] = listCell(field, value);
    else data[field] = value;
  }
  if (Object.keys(address).length) data.address = address;
  data.companyId = companyId;
  return data;
}

/** One NDJSON object as the body of a customer create (the shape of GET /customers/:id works). */
export function jsonRowToData(
  row: unknown,
  mapping: Record<string, string>,
  companyId: string,
): Record<string, unknown> {
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    throw new RowProblem(null, 'the line is not a JSON object');
  const data: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(row)) {
    const field = mapping[key] ?? key;
    if (field === '' || (COMPUTED_COLUMNS.has(field) && field !== 'address')) continue;
    if (field === 'address' || IMPORTABLE_COLUMNS.includes(field)) {
      if (value !== null) data[field] = field === 'contacts' && Array.isArray(value) ? value.map(contactInput) : value;
    } else unknown.push(key);
  }
  if (unknown.length) throw new RowProblem(unknown[0], `unknown field(s): ${unknown.join(', ')}`);
  data.companyId = companyId;
  return data;
}

/** A contact as exported (with id and the derived name) back to an input contact. */
function contactInput(c: unknown): unknown {
  if (typeof c !== 'object' || c === null) return c;
  const { id: _id, name, ...rest } = c as Record<string, unknown>;
  const named = rest.firstName !== undefined || rest.lastName !== undefined;
  return named || name === null || name === undefined ? rest : { ...rest, name };
}

function listCell(field: string, value: string): unknown {
  if (value.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      return field === 'contacts' && Array.isArray(parsed) ? parsed.map(contactInput) : parsed;
    } catch {
      throw new RowProblem(field, `${field} is not a valid JSON array`);
    }
  }
  if (field === 'contacts') throw new RowProblem(field, 'contacts must be a JSON array');
  return value
    .split(/[;,]/)
    .map((t) => t.trim())
    .filter(Boolean);
}
