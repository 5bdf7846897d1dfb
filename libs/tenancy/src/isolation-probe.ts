import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { discover, IsolationProbeProvider } from './registrations';

export interface IsolationCheck {
  name: string;
  passed: boolean;
  detail: string;
}

/**
 * One kind of tenant data taking part in the isolation check. Each module that owns tenant data
 * declares a probe provider with `@IsolationProbeProvider()`, so the check grows with the system
 * instead of being maintained by hand.
 * `plant`, `verify` and `cleanup` run as tenant A; `attack` runs as tenant B.
 */
export interface IsolationProbe<F = unknown> {
  readonly kind: string;
  plant(): Promise<F>;
  attack(fixture: F): Promise<IsolationCheck[]>;
  verify(fixture: F): Promise<IsolationCheck[]>;
  cleanup(fixture: F): Promise<void>;
}

/** Every probe the application declares. */
@Injectable()
export class IsolationProbeRegistry {
  private probes?: IsolationProbe[];

  constructor(private readonly discovery: DiscoveryService) {}

  all(): readonly IsolationProbe[] {
    this.probes ??= discover<IsolationProbe>(this.discovery, IsolationProbeProvider);
    return this.probes;
  }
}

/** Runs `attempt` and reports passed when it throws a not-found style error (or returns nothing). */
export async function expectHidden(name: string, attempt: () => Promise<unknown>): Promise<IsolationCheck> {
  try {
    const result = await attempt();
    const leaked = result !== null && result !== undefined && !(Array.isArray(result) && result.length === 0);
    return {
      name,
      passed: !leaked,
      detail: leaked ? `returned data: ${JSON.stringify(result).slice(0, 200)}` : 'nothing returned',
    };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const hidden = typeof code === 'string' && code.endsWith('not_found');
    return { name, passed: hidden, detail: hidden ? `refused (${code})` : `unexpected error: ${(e as Error).message}` };
  }
}
