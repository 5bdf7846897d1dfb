import { decodeCursor, keysetFilter, pageOf } from './cursor';
import { searchFilter } from './search-tokens';
import { SortSpec, sortStage } from './sort';

/** The filters customers and leads share (each DTO adds its own equality fields). */
export interface ListFilters {
  companyId?: string;
  status?: string;
  assignedTo?: string;
  tag?: string[];
  q?: string;
  updatedSince?: string;
}

/**
 * The MongoDB filter for a list query: live records only, limited to the companies the
 * principal may see. Every value is a typed scalar from a validated DTO; `q` only ever becomes
 * exact token strings. Null means "matches nothing" (search text without a letter or digit).
 */
export function listFilter(
  f: ListFilters,
  visibleCompanies: readonly string[] | undefined,
  equals: Record<string, string | undefined> = {},
): Record<string, unknown> | null {
  const filter: Record<string, unknown> = { deletedAt: null };
  if (f.companyId) filter.companyId = f.companyId;
  else if (visibleCompanies) filter.companyId = { $in: [...visibleCompanies] };
  for (const [field, value] of Object.entries({ status: f.status, assignedTo: f.assignedTo, ...equals })) {
    if (value !== undefined) filter[field] = value;
  }
  if (f.tag?.length) filter.tags = { $all: f.tag };
  if (f.updatedSince) filter.updatedAt = { $gte: new Date(f.updatedSince) };
  // An empty box means no search; text without a single letter or digit finds nothing.
  if (f.q !== undefined && f.q.trim() !== '') {
    const search = searchFilter(f.q);
    if (!search) return null;
    Object.assign(filter, search);
  }
  return filter;
}

export interface KeysetPageRequest<T> {
  /** null: the query can match nothing (empty page without a round trip). */
  filter: Record<string, unknown> | null;
  sort: SortSpec;
  /** queryScope() of the filters, so a cursor cannot be replayed under other filters. */
  scope: string;
  cursor?: string;
  limit: number;
  find(where: Record<string, unknown>, sort: Record<string, 1 | -1>, limit: number): Promise<T[]>;
}

/** One keyset page: rows after the cursor in sort order, and the cursor of the next page. */
export async function keysetPage<T extends object>(
  req: KeysetPageRequest<T>,
): Promise<{ rows: T[]; nextCursor: string | null }> {
  const position = req.cursor ? decodeCursor(req.cursor, req.sort, req.scope) : undefined;
  if (!req.filter) return { rows: [], nextCursor: null };
  const where = position ? { $and: [req.filter, keysetFilter(req.sort, position)] } : req.filter;
  const rows = await req.find(where, sortStage(req.sort), req.limit + 1);
  return pageOf(rows, req.limit, req.sort, req.scope);
}
