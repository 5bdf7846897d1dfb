import { SetMetadata } from '@nestjs/common';
import { Role } from '@app/common';

export const PUBLIC_KEY = 'auth:public';
export const PLATFORM_KEY = 'auth:platform';
export const MIN_ROLE_KEY = 'auth:min-role';

/** No token needed (health, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Operators only: the `platform` role, no tenant. */
export const PlatformOnly = () => SetMetadata(PLATFORM_KEY, true);

/** The least tenant role allowed (admin > member > viewer). Tenant routes default to viewer. */
export const MinRole = (role: Role.VIEWER | Role.MEMBER | Role.ADMIN) => SetMetadata(MIN_ROLE_KEY, role);
