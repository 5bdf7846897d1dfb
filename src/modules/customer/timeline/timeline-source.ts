import { DiscoveryService } from '@nestjs/core';
import { Types } from 'mongoose';

/**
 * A kind of entry on a customer's timeline (`activity`, `status_change`, ...). Kinds belong to the
 * modules whose data they show: each declares its own with `@TimelineSourceProvider(...kinds)`.
 */
export type TimelineKind = string;

/** One thing that happened to a customer, as the timeline shows it. */
export interface TimelineEntry {
  kind: TimelineKind;
  at: Date;
  actor: string;
  /** One line a person can read: "Status changed from active to churned: moved away". */
  summary: string;
  /** The record the entry is about, for the client to open. */
  ref: { type: string; id: string };
  /**
   * Unique and stable across every source (`<source prefix>:<id>`): the tie-break between entries of
   * the same instant, so paging never repeats or skips one.
   */
  key: string;
}

/** Where a page ends: entries strictly older than this, in (at, key) descending order. */
export interface TimelinePosition {
  at: Date;
  key: string;
}

export interface TimelineQuery {
  /** The customer (already checked visible to the caller). */
  customerId: string;
  companyId: string;
  before?: TimelinePosition;
  /** Only these kinds (never empty: a source with none of them is not asked). */
  kinds: ReadonlySet<TimelineKind>;
  limit: number;
}

/**
 * A provider of timeline entries, declared with `@TimelineSourceProvider(...kinds)` in the module that
 * owns the data (activities, opportunities, leads, ...). It returns at most `limit` entries of the
 * wanted kinds, newest first, strictly before `before`; the timeline merges every source into one stream.
 */
export interface TimelineSource {
  entries(query: TimelineQuery): Promise<TimelineEntry[]>;
}

/** Discovery's marker of a timeline source, holding the kinds it declared. */
export const TimelineSourceMarker = DiscoveryService.createDecorator<readonly TimelineKind[]>();

/**
 * Every kind a loaded module declared, sorted. A live list, filled as modules load: `types=` reads it
 * when it validates, and Swagger keeps this same array as the enum of the kind fields, so the OpenAPI
 * document built at start-up lists every module's kinds.
 */
export const TIMELINE_KINDS: readonly TimelineKind[] = [];

/**
 * Declares a provider as a timeline source giving entries of these kinds: the one registration a new
 * kind of entry needs. The timeline asks the source for them, `types=` accepts them and the OpenAPI
 * document lists them; the timeline's own code does not change.
 */
export function TimelineSourceProvider(...kinds: TimelineKind[]): ClassDecorator {
  if (!kinds.length) throw new Error('a timeline source declares at least one kind');
  const all = TIMELINE_KINDS as TimelineKind[];
  for (const kind of kinds) if (!all.includes(kind)) all.push(kind);
  all.sort();
  return TimelineSourceMarker(kinds);
}

/** The timeline's order: newest first, then by key (descending), so entries of one instant keep a fixed order. */
export function newestFirst(a: TimelineEntry, b: TimelineEntry): number {
  return b.at.getTime() - a.at.getTime() || (a.key < b.key ? 1 : a.key > b.key ? -1 : 0);
}

/** Whether the entry comes after `p` in the timeline's order (strictly older, or same instant and lower key). */
export function isBefore(e: TimelineEntry, p: TimelinePosition): boolean {
  return e.at.getTime() < p.at.getTime() || (e.at.getTime() === p.at.getTime() && e.key < p.key);
}

/**
 * How a source whose keys are `<prefix>:<ObjectId>` pages past `before`: entries older than its instant,
 * and of that same instant those whose key sorts below it. As a query condition on (`at`, `_id`).
 */
export function olderThan(
  before: TimelinePosition | undefined,
  prefix: string,
  atField = 'at',
): Record<string, unknown> {
  if (!before) return {};
  const older = { [atField]: { $lt: before.at } };
  const own = `${prefix}:`;
  if (before.key.startsWith(own)) {
    const id = before.key.slice(own.length);
    if (!Types.ObjectId.isValid(id)) return older;
    return { $or: [older, { [atField]: before.at, _id: { $lt: new Types.ObjectId(id) } }] };
  }
  // Another source's key: at the same instant, all of ours sort either below it or above it.
  return own < before.key ? { $or: [older, { [atField]: before.at }] } : older;
}
