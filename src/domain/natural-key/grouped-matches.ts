import { type MatchField, naturalKeyFilter, normalisedKey } from './natural-key';

/** A stored record as far as matching needs it: its natural keys (as stored) and soft deletion. */
export interface MatchableRow {
  email?: string | null;
  website?: string | null;
  externalId?: string | null;
  deletedAt?: Date | null;
}

/** Reads the records matching `filter`, in `_id` order, at most `limit`. */
export type MatchQuery<R> = (filter: Record<string, unknown>, limit: number) => Promise<R[]>;

interface Waiting<R> {
  value: string;
  resolve: (rows: R[]) => void;
  reject: (err: unknown) => void;
}

interface Group<R> {
  scope: Record<string, unknown>;
  field: MatchField;
  limit: number;
  /** Lookups not yet asked: they go in the next query. */
  waiting: Waiting<R>[];
}

/**
 * Natural-key lookups (batch upserts, import rows matched by email, website or externalId) of
 * concurrent callers, asked together: lookups of one tenant, field and scope go as one `$or` of their
 * filters, and each caller gets the rows of its own value. The first query leaves once the event loop
 * has run what was ready; lookups made while a query is on its way wait and go together in the next.
 * On FerretDB every such lookup is a scan of the collection (only `_id` is pushed down), so a batch
 * of 100 upserts scanned it 100 times; now two or three times. On MongoDB each branch of the `$or`
 * uses its index.
 *
 * A lookup never joins a query already on its way: it is asked after the caller asked (an upsert asks
 * under its key's lock, and must see what was written before it held the lock). A value with more rows
 * than the shared limit lets through is asked again on its own, so one popular email never hides
 * another value's match.
 */
export class GroupedMatches<R extends MatchableRow> {
  private readonly groups = new Map<string, Group<R>>();

  constructor(private readonly query: MatchQuery<R>) {}

  /**
   * The live records in `scope` whose `field` equals `value` as stored, at most `limit`, in `_id`
   * order; `groupKey` names the tenant database (lookups of different tenants never share a query).
   */
  find(
    groupKey: string,
    scope: Record<string, unknown>,
    field: MatchField,
    value: string,
    limit: number,
  ): Promise<R[]> {
    const key = normalisedKey(field, value);
    if (key === null || !naturalKeyFilter(field, value)) return Promise.resolve([]);
    const id = `${groupKey}\u0000${field}\u0000${limit}\u0000${JSON.stringify(scope)}`;
    let group = this.groups.get(id);
    const asked = new Promise<R[]>((resolve, reject) => {
      if (group) {
        group.waiting.push({ value, resolve, reject });
        return;
      }
      const fresh: Group<R> = { scope, field, limit, waiting: [{ value, resolve, reject }] };
      group = fresh;
      this.groups.set(id, fresh);
      setImmediate(() => void this.flush(id, fresh));
    });
    return asked;
  }

  /** Asks the group's waiting lookups, query after query, until none is left; then forgets the group. */
  private async flush(id: string, group: Group<R>): Promise<void> {
    try {
      while (group.waiting.length) {
        const waiting = group.waiting;
        group.waiting = [];
        await this.ask(group, waiting);
      }
    } finally {
      this.groups.delete(id);
    }
  }

  private async ask(group: Group<R>, waiting: Waiting<R>[]): Promise<void> {
    const { scope, field, limit } = group;
    try {
      const byKey = new Map<string, Waiting<R>[]>();
      for (const w of waiting) {
        const key = normalisedKey(field, w.value) as string;
        byKey.set(key, [...(byKey.get(key) ?? []), w]);
      }
      const values = [...byKey.values()].map((ws) => ws[0].value);
      const filters = values.map((v) => naturalKeyFilter(field, v) as Record<string, unknown>);
      const shared = values.length * limit;
      const rows = await this.query(
        filters.length === 1 ? { ...scope, ...filters[0] } : { ...scope, $or: filters },
        shared,
      );
      for (const [key, ws] of byKey) {
        let own = rows.filter((r) => storedKey(r, field) === key && !r.deletedAt).slice(0, limit);
        // The shared limit may have been filled by other values' rows before this value's came.
        if (rows.length >= shared && own.length < limit && values.length > 1) {
          own = await this.query({ ...scope, ...(naturalKeyFilter(field, ws[0].value) as object) }, limit);
        }
        for (const w of ws) w.resolve(own);
      }
    } catch (err) {
      for (const w of waiting) w.reject(err);
    }
  }
}

/** The record's key under `field`, as `normalisedKey` gives it for a value. */
function storedKey(row: MatchableRow, field: MatchField): string | null {
  const stored = row[field];
  return typeof stored === 'string' ? normalisedKey(field, stored) : null;
}
