import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Types } from 'mongoose';
import { DomainError, ErrorKind, type ListFilters } from '@app/common';
import { discover } from '@app/tenancy';
import { customerListFilter } from './customer-search';

/**
 * A saved segment as the customer list applies it (`segmentId=` on lists). Segments belong to another
 * module (analytics), which the Customer module must not import: that module declares a provider with
 * `@CustomerSegmentResolverProvider()`, found by discovery, and the list asks it what a segment means.
 */
export interface CustomerSegmentCriteria {
  /** The list filters saved with the segment (every one must match, besides the request's own). */
  filters: ListFilters & { source?: string };
  /** Revenue to date, minor units, inclusive bounds. */
  revenueMinor?: { min?: number; max?: number };
  /** Last activity, inclusive bounds. */
  lastActivityAt?: { from?: Date; to?: Date };
  /** Only these customers (segments over data the Customer module does not keep); undefined: no limit. */
  ids?: string[];
}

export interface CustomerSegmentResolver {
  /** The criteria of a segment of the current tenant; a missing one throws the owner's not-found error. */
  criteria(segmentId: string): Promise<CustomerSegmentCriteria>;
}

export const CustomerSegmentResolverProvider = DiscoveryService.createDecorator<void>();

/** Narrows a customer list filter to a saved segment. */
@Injectable()
export class CustomerSegments {
  private resolver?: CustomerSegmentResolver | null;

  constructor(private readonly discovery: DiscoveryService) {}

  async narrow(
    filter: Record<string, unknown> | null,
    segmentId: string | undefined,
    visibleCompanies: readonly string[] | undefined,
  ): Promise<Record<string, unknown> | null> {
    if (segmentId === undefined || filter === null) return filter;
    this.resolver ??= discover<CustomerSegmentResolver>(this.discovery, CustomerSegmentResolverProvider)[0] ?? null;
    if (!this.resolver) {
      throw new DomainError(ErrorKind.NOT_FOUND, 'segment.not_found', `Segment ${segmentId} was not found.`);
    }
    const c = await this.resolver.criteria(segmentId);
    const saved = customerListFilter(c.filters, visibleCompanies);
    if (!saved) return null;
    const parts: Record<string, unknown>[] = [filter, saved];
    if (c.revenueMinor) parts.push({ totalRevenueMinor: bounds(c.revenueMinor.min, c.revenueMinor.max) });
    if (c.lastActivityAt) parts.push({ lastActivityAt: bounds(c.lastActivityAt.from, c.lastActivityAt.to) });
    // ObjectIds, not strings: counts run as aggregations, which mongoose does not cast.
    if (c.ids) parts.push({ _id: { $in: c.ids.map((id) => new Types.ObjectId(id)) } });
    return { $and: parts };
  }
}

function bounds<T>(min: T | undefined, max: T | undefined): Record<string, T> {
  return { ...(min !== undefined ? { $gte: min } : {}), ...(max !== undefined ? { $lte: max } : {}) };
}
