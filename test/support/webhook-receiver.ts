import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got, as it got it. */
export interface Received {
  /** The request path (each endpoint of a suite gets its own). */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The parsed body (`{ id, type, occurredAt, data }`). */
  json: { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
  at: number;
}

/** What the receiver answers next (default 200 "ok"). */
export interface Reply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Milliseconds to wait before answering. */
  delayMs?: number;
}

/**
 * A webhook receiver on a free local port, as an integrator would run one: it records every request
 * and can verify signatures with the `standardwebhooks` library (the reference verifier).
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  /** Requests being answered right now, by message id (to prove an attempt is never in flight twice). */
  readonly inFlight = new Map<string, number>();
  maxInFlightPerMessage = 0;
  reply: (r: Received) => Reply = () => ({ status: 200, body: 'ok' });
  private server?: Server;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: Received['json'];
        try {
          json = JSON.parse(body) as Received['json'];
        } catch {
          json = { id: '', type: '', occurredAt: '', data: {} };
        }
        const r: Received = { path: req.url ?? '', headers: req.headers, body, json, at: Date.now() };
        this.received.push(r);
        const id = String(req.headers['webhook-id'] ?? '');
        const n = (this.inFlight.get(id) ?? 0) + 1;
        this.inFlight.set(id, n);
        this.maxInFlightPerMessage = Math.max(this.maxInFlightPerMessage, n);
        const answer = this.reply(r);
        setTimeout(() => {
          this.inFlight.set(id, (this.inFlight.get(id) ?? 1) - 1);
          res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
          res.end(answer.body ?? '');
        }, answer.delayMs ?? 0);
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Verifies a received request with `secret` as the standardwebhooks library does; throws if it fails. */
  static verify(secret: string, r: Received): unknown {
    return new Webhook(secret).verify(r.body, {
      'webhook-id': String(r.headers['webhook-id']),
      'webhook-timestamp': String(r.headers['webhook-timestamp']),
      'webhook-signature': String(r.headers['webhook-signature']),
    });
  }

  /** What the endpoint registered at `url` got. */
  at(url: string): Received[] {
    const path = new URL(url).pathname;
    return this.received.filter((r) => r.path === path);
  }

  /**
   * What the endpoint got after its first `seen` requests, each verified with the standardwebhooks
   * library against the endpoint's secret, with a `webhook-id` header equal to the payload's id.
   */
  verifiedAt(endpoint: { url: string; secret: string }, seen = 0): Array<Received['json']> {
    return this.at(endpoint.url)
      .slice(seen)
      .map((r) => {
        const payload = WebhookReceiver.verify(endpoint.secret, r) as Received['json'];
        if (r.headers['webhook-id'] !== payload.id) {
          throw new Error(`webhook-id ${String(r.headers['webhook-id'])} is not the payload's id ${payload.id}`);
        }
        return payload;
      });
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
