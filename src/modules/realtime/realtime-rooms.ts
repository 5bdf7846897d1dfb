/**
 * The Socket.IO room of one company. The tenant is part of the name, so the same company id in
 * two tenants can never share a room, whatever the ids look like.
 */
export function companyRoom(tenantId: string, companyId: string): string {
  return `t:${tenantId}:c:${companyId}`;
}
