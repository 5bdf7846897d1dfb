import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { discover } from '@app/tenancy';
import { ActivityTargetType } from './activity.enums';
import { ActivityErrorCode, activityFieldError } from './activity.errors';

/** A record an activity may be about, as its owning module vouches for it. */
export interface ActivityTarget {
  type: ActivityTargetType;
  id: string;
  companyId: string;
  /**
   * The customer whose timeline and rollups (lastActivityAt, openTasks) the activity joins: the
   * customer itself, an opportunity's customer; null for a lead (until its conversion re-points it).
   */
  customerId: string | null;
}

/**
 * How activities reach one kind of target. The module that owns the target declares a provider
 * with `@ActivityTargetProvider()` implementing this (the Activity module registers customers, leads
 * and opportunities from their modules' public services), so adding a target type is one
 * registration, not an edit of the Activity module. One resolver per type.
 */
export interface ActivityTargetResolver {
  readonly type: ActivityTargetType;
  /** The target if it exists in the tenant and the caller may see it; else its module's *.not_found (404). */
  resolve(id: string): Promise<ActivityTarget>;
  /**
   * Runs `write` while the target can take a new activity, e.g. under the lead's record lock and only
   * while it is not converted (a conversion re-points the lead's activities under that same lock).
   */
  attach<T>(id: string, write: (target: ActivityTarget) => Promise<T>): Promise<T>;
}

export const ActivityTargetProvider = DiscoveryService.createDecorator<void>();

/** The request field that names a target of `type`: `customerId`, `leadId`, `opportunityId`. */
export const targetField = (type: ActivityTargetType): string => `${type}Id`;

/** Every registered target resolver, by target type. */
@Injectable()
export class ActivityTargets implements OnApplicationBootstrap {
  private byType?: Map<ActivityTargetType, ActivityTargetResolver>;

  constructor(private readonly discovery: DiscoveryService) {}

  /** A duplicate registration stops the start, rather than failing requests later. */
  onApplicationBootstrap(): void {
    this.resolvers();
  }

  private resolvers(): Map<ActivityTargetType, ActivityTargetResolver> {
    this.byType ??= byType(discover<ActivityTargetResolver>(this.discovery, ActivityTargetProvider));
    return this.byType;
  }

  /** The resolver of `type`; a 400 naming the field when no module registered one (yet). */
  of(type: ActivityTargetType): ActivityTargetResolver {
    const resolvers = this.resolvers();
    const resolver = resolvers.get(type);
    if (!resolver) {
      const field = targetField(type);
      throw activityFieldError(
        ActivityErrorCode.TARGET_UNSUPPORTED,
        field,
        `Activities on ${type} records are not available in this deployment; use ${[...resolvers.keys()].map(targetField).join(' or ')}.`,
      );
    }
    return resolver;
  }
}

/** Two resolvers of one type would make the answer depend on discovery order: refused. */
function byType(resolvers: ActivityTargetResolver[]): Map<ActivityTargetType, ActivityTargetResolver> {
  const map = new Map<ActivityTargetType, ActivityTargetResolver>();
  for (const r of resolvers) {
    const other = map.get(r.type);
    if (other) {
      throw new Error(
        `Two activity target resolvers for ${r.type}: ${other.constructor.name} and ${r.constructor.name}.`,
      );
    }
    map.set(r.type, r);
  }
  return map;
}

/** The one target a request names among `customerId`, `leadId`, `opportunityId`; 400 unless exactly one. */
export function namedTarget(input: object): { type: ActivityTargetType; id: string } {
  const named = Object.values(ActivityTargetType)
    .map((type) => ({ type, id: (input as Record<string, unknown>)[targetField(type)] }))
    .filter((t): t is { type: ActivityTargetType; id: string } => typeof t.id === 'string');
  if (named.length !== 1) {
    const fields = Object.values(ActivityTargetType).map(targetField).join(', ');
    throw activityFieldError(
      ActivityErrorCode.TARGET_REQUIRED,
      named.length ? named.map((t) => targetField(t.type)).join(',') : 'customerId',
      `An activity is about exactly one record: give one of ${fields}.`,
    );
  }
  return named[0];
}
