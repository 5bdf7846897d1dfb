/** Roles a token may carry. Tenant roles are ordered: admin > member > viewer. */
export enum Role {
  PLATFORM = 'platform',
  ADMIN = 'admin',
  MEMBER = 'member',
  VIEWER = 'viewer',
}

export const TENANT_ROLES: readonly Role[] = [Role.VIEWER, Role.MEMBER, Role.ADMIN];

/** Who calls. Built only from a verified token (or by trusted internal code via runInTenant). */
export interface Principal {
  userId: string;
  tenantId?: string;
  roles: Role[];
  /** Companies this principal may see; undefined means every company of its tenant. */
  companies?: string[];
}

export function hasTenantRole(principal: Principal, atLeast: Role): boolean {
  const need = TENANT_ROLES.indexOf(atLeast);
  return principal.roles.some((r) => TENANT_ROLES.indexOf(r) >= need && TENANT_ROLES.includes(r));
}

export function canSeeCompany(principal: Principal, companyId: string): boolean {
  return principal.companies === undefined || principal.companies.includes(companyId);
}
