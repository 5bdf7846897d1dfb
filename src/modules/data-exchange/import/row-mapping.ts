import { restoreNeutralised } from '../export/customer-columns';
import type { ImportColumns } from './import-entity';

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
  spec: ImportColumns,
  columns: readonly string[],
  mapping: Record<string, string>,
): { targets: Map<string, string>; unknown: string[] } {
  const targets = new Map<string, string>();
  const unknown: string[] = [];
  for (const column of columns) {
    const field = mapping[column] ?? column;
    if (spec.fields.includes(field)) targets.set(column, field);
    else if (!spec.computed.has(field) && !(column in mapping && mapping[column] === '')) unknown.push(column);
  }
  return { targets, unknown };
}

/** Mapping targets must be fields an import can write (or '' to skip a column). */
export function invalidMappingTargets(spec: ImportColumns, mapping: Record<string, string>): string[] {
  return Object.values(mapping).filter((f) => f !== '' && !spec.fields.includes(f));
}

/**
 * One CSV row as the body of a create: empty cells are absent, neutralised formula cells read back as
 * written, tags are a JSON array or a `;`/`,` separated list, contacts a JSON array, number columns
 * numbers, the address columns one address.
 */
export function csvRowToData(
  spec: ImportColumns,
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
    if (spec.address.includes(field)) address[field] = value;
    else if (spec.lists.has(field)) data[field] = listCell(field, value);
    else if (spec.numbers.has(field)) data[field] = numberCell(value);
    else data[field] = value;
  }
  if (Object.keys(address).length) data.address = address;
  data.companyId = companyId;
  return data;
}

/** One NDJSON object as the body of a create (the shape of GET /customers/:id or /leads/:id works). */
export function jsonRowToData(
  spec: ImportColumns,
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
    const isAddress = field === 'address' && spec.address.length > 0;
    if (field === '' || (spec.computed.has(field) && !isAddress)) continue;
    if (isAddress || spec.fields.includes(field)) {
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

/** A decimal number as written ("1250.5"); anything else stays text, which validation then reports. */
function numberCell(value: string): unknown {
  const v = value.trim();
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : value;
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
