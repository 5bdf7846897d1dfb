import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Settings } from '@app/common';
import { integrationSettings } from '../../integration.settings';
import { type CheckedTarget, WebhookUrlGuard, WebhookUrlRefused } from '../ssrf/webhook-url.guard';

/** What one attempt came to. */
export interface SendResult {
  /** The HTTP status, or null when no response came (refused, unreachable, timed out). */
  statusCode: number | null;
  durationMs: number;
  /** The start of the response body. */
  body: string | null;
  error: string | null;
}

/** Response bytes read at most; the rest is never downloaded. */
const MAX_READ_BYTES = 64 * 1024;
/** Response body kept in the delivery log. */
const MAX_KEPT_CHARS = 1024;
const USER_AGENT = 'tenant-crm-webhooks/1';

/**
 * POSTs one signed delivery. Node's own http client: it follows no redirects (a 3xx is just a failed
 * attempt), and its `lookup` hook pins the connection to the address the SSRF guard checked a moment
 * before, so DNS cannot change between the check and the connect. One deadline covers DNS, connect,
 * response and body; at most MAX_READ_BYTES of the body are read. Keep-alive sockets are reused only
 * for the same host and port, and each was connected to a checked address.
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private readonly timeoutMs: number;
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };

  constructor(
    private readonly guard: WebhookUrlGuard,
    @Inject(integrationSettings.KEY) settings: Settings<typeof integrationSettings>,
  ) {
    this.timeoutMs = settings.WEBHOOK_TIMEOUT_MS;
  }

  onApplicationShutdown(): void {
    for (const agent of Object.values(this.agents)) agent.destroy();
  }

  async send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let target: CheckedTarget;
    try {
      target = await withDeadline(this.guard.check(url), this.timeoutMs);
    } catch (e) {
      const reason = e instanceof WebhookUrlRefused ? `refused: ${e.reason}` : (e as Error).message;
      return { statusCode: null, durationMs: elapsed(), body: null, error: reason };
    }
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const finish = (r: Omit<SendResult, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...r, durationMs: elapsed() });
      };
      const { url: u } = target;
      const client = u.protocol === 'https:' ? https : http;
      const req = client.request({
        protocol: u.protocol,
        hostname: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port || undefined,
        path: `${u.pathname}${u.search}`,
        method: 'POST',
        agent: this.agents[u.protocol as 'http:' | 'https:'],
        lookup: pinned(target),
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': USER_AGENT,
        },
      });
      const remaining = Math.max(1, this.timeoutMs - elapsed());
      const timer = setTimeout(() => {
        req.destroy(new Error(`timed out after ${this.timeoutMs} ms`));
      }, remaining);
      req.on('error', (err) => finish({ statusCode: null, body: null, error: err.message }));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let read = 0;
        const done = () =>
          finish({
            statusCode: res.statusCode ?? null,
            body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_KEPT_CHARS),
            error: null,
          });
        res.on('data', (chunk: Buffer) => {
          if (read < MAX_KEPT_CHARS * 4) chunks.push(chunk);
          read += chunk.length;
          if (read > MAX_READ_BYTES) {
            done();
            res.destroy();
          }
        });
        res.on('end', done);
        res.on('error', done);
        res.on('close', done);
      });
      req.end(body);
    });
  }
}

/** A lookup that answers with the checked address only (Node asks with `all: true` for happy eyeballs). */
function pinned(target: CheckedTarget): LookupFunction {
  return (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (err: null, addresses: Array<{ address: string; family: number }>) => void)(null, [
        { address: target.address, family: target.family },
      ]);
    } else {
      callback(null, target.address, target.family);
    }
  };
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
