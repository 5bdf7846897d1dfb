import { JwtService } from '@nestjs/jwt';
import { Role } from '@app/common';
import { TEST_JWT_SECRET } from './test-secret';

export interface TokenSpec {
  tenant?: string;
  roles?: Array<Role | string>;
  user?: string;
  companies?: string[];
  expiresIn?: number | string;
  secret?: string;
  issuer?: string;
}

/** A signed bearer token as the API expects it; override anything to forge a bad one. */
export function tokenFor(spec: TokenSpec = {}): string {
  const jwt = new JwtService({ secret: spec.secret ?? process.env.AUTH_JWT_SECRET ?? TEST_JWT_SECRET });
  const payload: Record<string, unknown> = {
    sub: spec.user ?? 'user-1',
    roles: spec.roles ?? [Role.ADMIN],
  };
  if (spec.tenant) payload.tid = spec.tenant;
  if (spec.companies) payload.companies = spec.companies;
  return jwt.sign(payload, {
    algorithm: 'HS256',
    issuer: spec.issuer ?? 'tenant-crm',
    expiresIn: (spec.expiresIn ?? '1h') as number,
  });
}

export const platformToken = (): string => tokenFor({ roles: [Role.PLATFORM], user: 'operator' });

/** A random, valid tenant slug so parallel suites never share data. */
export function randomSlug(prefix = 't'): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}
