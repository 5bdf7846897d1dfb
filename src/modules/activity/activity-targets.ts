import { Injectable } from '@nestjs/common';
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
 * with `@ActivityTargetProvider()` implementing this (the Activity module registers customers and
 * leads; opportunities register themselves the same way), so adding a target type is one
 * registration, not an edit of the Activity module.
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
export class ActivityTargets {
  private byType?: Map<ActivityTargetType, ActivityTargetResolver>;

  constructor(private readonly discovery: DiscoveryService) {}

  /** The resolver of `type`; a 400 naming the field when no module registered one (yet). */
  of(type: ActivityTargetType): ActivityTargetResolver {
    this.byType ??= new Map(
      discover<ActivityTargetResolver>(this.discovery, ActivityTargetProvider).map((r) => [r.type, r]),
    );
    const resolver = this.byType.get(type);
    if (!resolver) {
      const field = targetField(type);
      throw activityFieldError(
        ActivityErrorCode.TARGET_UNSUPPORTED,
        field,
        `Activities on ${type} records are not available in this deployment; use customerId or leadId.`,
      );
    }
    return resolver;
  }
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
