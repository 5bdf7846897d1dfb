/**
 * The Socket.IO room of one company. The tenant is part of the name, so the same company id in
 * two tenants can never share a room, whatever the ids look like.
 */
export function companyRoom(tenantId: string, companyId: string): string {
  return `t:${tenantId}:c:${companyId}`;
}

/** The Socket.IO room of one user's sockets in a tenant (notices meant for them alone). */
export function userRoom(tenantId: string, userId: string): string {
  return `t:${tenantId}:u:${userId}`;
}
