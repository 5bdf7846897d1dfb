import type { Logger } from '@nestjs/common';
import type { ExtendedError, Socket } from 'socket.io';
import type { Authenticator } from '@app/auth';
import { toErrorBody } from './realtime-error-body';
import { RealtimeError, RealtimeErrorCode } from './realtime.errors';
import { setIdentity, SocketIdentity } from './socket-identity';

type Next = (err?: ExtendedError) => void;

/**
 * Verifies the handshake's `auth.token` before Socket.IO accepts the connection (guards do not
 * run on connect). Same rules as HTTP: a valid token of an active tenant; platform tokens are
 * refused because realtime rooms belong to tenants. A refused client gets `connect_error` whose
 * `message` is the detail and whose `data` is `{ status, title, code, detail }`.
 */
export function socketAuthMiddleware(authenticator: Authenticator, logger: Logger) {
  return (socket: Socket, next: Next): void => {
    authenticateHandshake(authenticator, socket.handshake.auth).then(
      (identity) => {
        setIdentity(socket, identity);
        next();
      },
      (e: unknown) => {
        const body = toErrorBody(e);
        if (body.status >= 500) logger.error({ err: e }, 'Realtime handshake failed');
        const refusal: ExtendedError = new Error(body.detail);
        refusal.data = body;
        next(refusal);
      },
    );
  };
}

export async function authenticateHandshake(authenticator: Authenticator, auth: unknown): Promise<SocketIdentity> {
  const token = tokenOf(auth);
  const { principal, tenant, expiresAt } = await authenticator.authenticate(token);
  if (!tenant) {
    throw new RealtimeError(
      RealtimeErrorCode.TENANT_REQUIRED,
      'Realtime needs a tenant token; platform tokens cannot subscribe to companies.',
    );
  }
  return { tenantId: tenant.id, principal, expiresAt: expiresAt ?? tokenExpiry(token) };
}

function tokenOf(auth: unknown): string {
  const raw = typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
  if (typeof raw !== 'string' || raw.trim().length === 0) {
    throw new RealtimeError(
      RealtimeErrorCode.MISSING_TOKEN,
      'Send the bearer token (or an API key) in the handshake: io(url, { auth: { token } }).',
    );
  }
  // Accept the token with or without the HTTP scheme, as clients often reuse the header value.
  return raw.trim().replace(/^Bearer\s+/i, '');
}

/** Epoch ms of the token's `exp`. Only called after the signature was verified. */
export function tokenExpiry(token: string): number | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
