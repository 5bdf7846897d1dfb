export { ActivityModule } from './activity.module';
export { ActivityService, ACTIVITY_ENTITY } from './activity.service';
export { ActivityTargetType, ActivityType, TaskStatus } from './activity.enums';
export { type ActivityTarget, ActivityTargetProvider, type ActivityTargetResolver } from './activity-targets';
export { ActivityDomainEvent, ActivityEventName } from './events/activity.events';
export { ActivityResponse, ActivityPageResponse } from './dto/activity.response';
export { ACTIVITY_TIMELINE_KIND } from './activity.timeline-source';
