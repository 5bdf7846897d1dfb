import type { Principal } from '@app/common';
import type { TenantRef } from '@app/tenancy';

/** A verified credential: who calls and, for tenant principals, their tenant. */
export interface Authenticated {
  principal: Principal;
  /** Set for tenant principals; undefined for platform operators. */
  tenant?: TenantRef;
  /** Epoch ms when the credential stops being valid, if it does (API keys; JWTs carry `exp`). */
  expiresAt?: number;
}
