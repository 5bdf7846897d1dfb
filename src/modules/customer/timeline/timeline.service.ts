import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { DomainError, ErrorKind, queryScope } from '@app/common';
import type { TimelineEntryResponse, TimelinePageResponse } from '../dto/timeline.response';
import {
  type TimelineEntry,
  isBefore,
  newestFirst,
  type TimelineKind,
  type TimelinePosition,
  type TimelineSource,
  TimelineSourceMarker,
} from './timeline-source';

const DEFAULT_LIMIT = 25;

/** A discovered source and the kinds it declared. */
interface Registered {
  source: TimelineSource;
  kinds: ReadonlySet<TimelineKind>;
}

/**
 * A customer's timeline: every registered source's entries merged into one stream, newest first,
 * keyset-paged on (at, key). Each source returns its own newest `limit` entries before the cursor, so
 * the `limit` newest of their union are exactly the page; adding a kind is one source, not an edit here.
 */
@Injectable()
export class TimelineService {
  private sources?: Registered[];
  private kinds?: TimelineKind[];

  constructor(private readonly discovery: DiscoveryService) {}

  async page(
    customer: { id: string; companyId: string },
    query: { types?: TimelineKind[]; limit?: number; cursor?: string },
  ): Promise<TimelinePageResponse> {
    const kinds = new Set(query.types?.length ? query.types : this.allKinds());
    const limit = query.limit ?? DEFAULT_LIMIT;
    const scope = queryScope({ customer: customer.id, types: [...kinds].sort() });
    const before = query.cursor === undefined ? undefined : decode(query.cursor, scope);
    const asked = this.all().filter((r) => [...kinds].some((k) => r.kinds.has(k)));
    const found = await Promise.all(
      asked.map(({ source }) =>
        source.entries({ customerId: customer.id, companyId: customer.companyId, before, kinds, limit: limit + 1 }),
      ),
    );
    const merged = found
      .flat()
      .filter((e) => kinds.has(e.kind) && (!before || isBefore(e, before)))
      .sort(newestFirst);
    const page = merged.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map(toResponse),
      nextCursor: merged.length > limit && last ? encode({ at: last.at, key: last.key }, scope) : null,
    };
  }

  private all(): Registered[] {
    this.sources ??= this.discovery
      .getProviders({ metadataKey: TimelineSourceMarker.KEY })
      .filter((wrapper) => wrapper.instance)
      .map((wrapper) => ({
        source: wrapper.instance as TimelineSource,
        kinds: new Set(this.discovery.getMetadataByDecorator(TimelineSourceMarker, wrapper) ?? []),
      }));
    return this.sources;
  }

  /** Every kind some registered source gives (a timeline without `types=` shows them all). */
  private allKinds(): TimelineKind[] {
    this.kinds ??= [...new Set(this.all().flatMap((r) => [...r.kinds]))];
    return this.kinds;
  }
}

function toResponse(e: TimelineEntry): TimelineEntryResponse {
  return { kind: e.kind, at: e.at.toISOString(), actor: e.actor, summary: e.summary, ref: e.ref };
}

function encode(p: TimelinePosition, scope: string): string {
  return Buffer.from(JSON.stringify({ a: p.at.toISOString(), k: p.key, s: scope }), 'utf8').toString('base64url');
}

function decode(cursor: string, scope: string): TimelinePosition {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    raw = null;
  }
  const o = (raw ?? {}) as { a?: unknown; k?: unknown; s?: unknown };
  const at = typeof o.a === 'string' ? new Date(o.a) : new Date(NaN);
  if (typeof o.k !== 'string' || o.k.length > 200 || Number.isNaN(at.getTime()) || o.s !== scope) {
    throw new DomainError(
      ErrorKind.BAD_REQUEST,
      'request.invalid_cursor',
      'cursor is not one this API issued for this timeline and these types.',
      {},
      [{ path: 'cursor', message: 'not a cursor of this timeline' }],
    );
  }
  return { at, key: o.k };
}
