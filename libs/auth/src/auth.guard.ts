import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { DomainError, ErrorKind, hasTenantRole, Role } from '@app/common';
import { TenantContext } from '@app/tenancy';
import { MIN_ROLE_KEY, PLATFORM_KEY, PUBLIC_KEY } from './auth.decorators';
import { Authenticator, requestCredential } from './authenticator';

interface Caller {
  tenantId?: string;
  userId?: string;
}

type AuthedRequest = FastifyRequest & Caller & { raw: IncomingMessage & Caller };

/**
 * The one gate of the HTTP API: verifies the credential (JWT or API key), resolves the tenant, checks
 * the role, and only then enters the tenant context. Handlers never run for an unknown or suspended tenant.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly context: TenantContext,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const { principal, tenant } = await this.authenticator.authenticate(requestCredential(req.headers));
    req.userId = principal.userId;
    req.tenantId = tenant?.id;
    // The access log (pino-http) sees only the Node request under Fastify's.
    req.raw.userId = principal.userId;
    req.raw.tenantId = tenant?.id;

    if (this.reflector.getAllAndOverride<boolean>(PLATFORM_KEY, targets)) {
      if (!principal.roles.includes(Role.PLATFORM)) {
        throw new DomainError(ErrorKind.FORBIDDEN, 'auth.platform_only', 'This route is for platform operators.');
      }
      this.context.enter(undefined, principal);
      return true;
    }
    if (!tenant) {
      throw new DomainError(ErrorKind.FORBIDDEN, 'auth.tenant_required', 'This route needs a tenant token.');
    }
    const minRole = this.reflector.getAllAndOverride<Role>(MIN_ROLE_KEY, targets) ?? Role.VIEWER;
    if (!hasTenantRole(principal, minRole)) {
      throw new DomainError(ErrorKind.FORBIDDEN, 'auth.role_required', `This action needs the ${minRole} role.`);
    }
    this.context.enter(tenant, principal);
    return true;
  }
}
