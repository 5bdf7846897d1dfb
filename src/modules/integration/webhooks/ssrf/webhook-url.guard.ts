import { Inject, Injectable } from '@nestjs/common';
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import type { Settings } from '@app/common';
import { integrationSettings } from '../../integration.settings';
import { addressRefusal, connectable } from './address-policy';

/** Resolves a host name to every address it has (tests replace it to control DNS). */
export interface HostResolver {
  resolve(hostname: string): Promise<Array<{ address: string }>>;
}

export const HOST_RESOLVER = Symbol('WebhookHostResolver');

export const systemResolver: HostResolver = {
  resolve: (hostname) => lookup(hostname, { all: true, verbatim: true }),
};

/** A webhook URL that passed the checks, with the address the connection must go to. */
export interface CheckedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

export class WebhookUrlRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = WebhookUrlRefused.name;
  }
}

/**
 * SSRF guard of webhook URLs, at registration and again before every attempt (DNS may have changed
 * since: rebinding). Every address the host resolves to must pass `addressRefusal`; the connection is
 * then pinned to the address checked, so a second lookup by the HTTP client cannot swap it.
 */
@Injectable()
export class WebhookUrlGuard {
  private readonly allowPrivate: boolean;

  constructor(
    @Inject(HOST_RESOLVER) private readonly resolver: HostResolver,
    @Inject(integrationSettings.KEY) settings: Settings<typeof integrationSettings>,
  ) {
    this.allowPrivate = settings.WEBHOOK_ALLOW_PRIVATE;
  }

  async check(raw: string): Promise<CheckedTarget> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new WebhookUrlRefused('url is not a valid absolute URL');
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.allowPrivate)) {
      throw new WebhookUrlRefused(
        this.allowPrivate ? 'url must use http or https' : 'url must use https (plain http only in development)',
      );
    }
    if (url.username || url.password) throw new WebhookUrlRefused('url must not carry credentials');
    // The WHATWG parser already turned 0x7f.1, 2130706433 and friends into dotted IPv4.
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!host) throw new WebhookUrlRefused('url has no host');
    const addresses = ipaddr.isValid(host) ? [host] : await this.resolve(host);
    for (const address of addresses) {
      const refusal = addressRefusal(address, this.allowPrivate);
      if (refusal) {
        throw new WebhookUrlRefused(
          host === address ? `url points to ${refusal}` : `url host ${host} resolves to ${refusal}`,
        );
      }
    }
    return { url, ...connectable(addresses[0]) };
  }

  private async resolve(host: string): Promise<string[]> {
    let found: Array<{ address: string }>;
    try {
      found = await this.resolver.resolve(host);
    } catch {
      throw new WebhookUrlRefused(`url host ${host} does not resolve`);
    }
    if (!found.length) throw new WebhookUrlRefused(`url host ${host} does not resolve`);
    return found.map((f) => f.address);
  }
}
