import type { Principal } from '@app/common';

/** Who is on the other end of a socket: set by the handshake middleware, never by the client. */
export interface SocketIdentity {
  tenantId: string;
  principal: Principal;
  /** Epoch milliseconds when the handshake token expires, if it does. */
  expiresAt?: number;
}

interface WithIdentity {
  data: { identity?: SocketIdentity };
}

export function identityOf(socket: WithIdentity): SocketIdentity {
  const identity = socket.data.identity;
  // The middleware refuses every connection it could not authenticate, so this is a bug if hit.
  if (!identity) throw new Error('socket has no identity: the handshake middleware did not run');
  return identity;
}

export function setIdentity(socket: WithIdentity, identity: SocketIdentity): void {
  socket.data.identity = identity;
}
