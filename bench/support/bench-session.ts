import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { Role } from '@app/common';
import { TenantConnectionRegistry, TenantDirectory, TenantRunner } from '@app/tenancy';
import { tokenFor } from '@app/testing/tokens';
import { configureApp, createHttpAdapter } from '../../src/app.setup';
import { CompanyService } from '../../src/modules/company';
import { TenantService } from '../../src/modules/tenant';
import { BenchAppModule } from './bench-app.module';
import type { BenchDatabase } from './bench-database';
import type { BenchOptions } from './bench-options';
import { compare, withBusyTime, type Comparison, type LoadRunner, type Side, type Target } from './comparison';
import { httpLoad, type HttpRequestSpec } from './http-load';
import { opLoad } from './op-load';

export interface BenchTenant {
  slug: string;
  dbName: string;
  /** A signed token of this tenant (admin by default). */
  token(role?: Role): string;
}

/**
 * One application on one database for a whole bench run: the production module plus the
 * bench-only baseline routes, listening on a free loopback port, with the fixtures and load
 * runners the scenarios share. Every comparison uses the run's concurrency on both sides.
 */
export class BenchSession {
  private readonly createdTenants: string[] = [];
  private readonly fixtures = new Map<string, Promise<unknown>>();

  private constructor(
    readonly app: NestFastifyApplication,
    readonly url: string,
    readonly db: BenchDatabase,
    readonly options: BenchOptions,
  ) {}

  static async start(db: BenchDatabase, options: BenchOptions): Promise<BenchSession> {
    // The same construction as createApp() (src/app.factory.ts), with the baseline routes added.
    const app = await NestFactory.create<NestFastifyApplication>(BenchAppModule, createHttpAdapter(), {
      bodyParser: false,
      bufferLogs: true,
    });
    configureApp(app, { shutdownHooks: false });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    return new BenchSession(app, `http://127.0.0.1:${address.port}`, db, options);
  }

  get connections(): TenantConnectionRegistry {
    return this.app.get(TenantConnectionRegistry);
  }

  /** Provisions a tenant through the real TenantService (database, collections, indexes, registry). */
  async newTenant(prefix = 'bench'): Promise<BenchTenant> {
    const slug = `${prefix}-${randomBytes(5).toString('hex')}`;
    const record = await this.app.get(TenantService).create({ slug, name: `Bench ${slug}` }, 'bench');
    this.createdTenants.push(slug);
    return {
      slug,
      dbName: record.dbName,
      token: (role = Role.ADMIN) => tokenFor({ tenant: slug, roles: [role], user: 'bench-user', expiresIn: '12h' }),
    };
  }

  /** Creates a company through CompanyService, as the tenant's admin would. */
  newCompany(tenant: BenchTenant, name = `Company ${randomBytes(4).toString('hex')}`): Promise<string> {
    return this.inTenant(tenant, async () => (await this.app.get(CompanyService).create({ name })).id);
  }

  inTenant<T>(tenant: BenchTenant, fn: () => Promise<T>): Promise<T> {
    return this.app.get(TenantRunner).runInTenant(tenant.slug, fn);
  }

  /** A fixture built once per run and shared by the scenarios that ask for it (e.g. 100k customers). */
  shared<T>(key: string, build: () => Promise<T>): Promise<T> {
    let fixture = this.fixtures.get(key) as Promise<T> | undefined;
    if (!fixture) {
      fixture = build();
      this.fixtures.set(key, fixture);
    }
    return fixture;
  }

  /** Closed-loop HTTP load against the app; each connection cycles through `requests`. */
  http(requests: HttpRequestSpec[], connections = this.options.connections): LoadRunner {
    return withBusyTime(async (durationSec) => {
      const result = await httpLoad({ url: this.url, requests, connections, durationSec });
      if (result.errors > 0) {
        const codes = Object.entries(result.statusCodes)
          .map(([code, n]) => `${code}×${n}`)
          .join(', ');
        throw new Error(`${requests[0]?.path ?? ''}: ${result.errors} failed requests (status codes: ${codes})`);
      }
      return result;
    });
  }

  /** The same closed loop over a driver call, at the same concurrency. */
  ops(op: (i: number) => Promise<unknown>, concurrency = this.options.connections): LoadRunner {
    return withBusyTime(async (durationSec) => {
      const result = await opLoad(op, { concurrency, durationSec });
      if (result.errors > 0) {
        throw new Error(`driver baseline: ${result.errors} failed operations (first: ${result.firstError ?? '?'})`);
      }
      return result;
    });
  }

  /** `concurrency` only labels the result: pass the same value to both sides' runners. */
  compare(
    name: string,
    baseline: Side,
    subject: Side,
    target?: Target,
    concurrency = this.options.connections,
  ): Promise<Comparison> {
    const { rounds, durationSec, warmupSec } = this.options;
    return compare(name, baseline, subject, { rounds, durationSec, warmupSec, concurrency }, target);
  }

  /**
   * Fails unless the API answers `route` with 200 and exactly `expected`: the driver baseline's own
   * document put through the module's response mapper, so both sides of a comparison read the same
   * record (a baseline that found nothing, or something else, would be measuring other work).
   */
  async expectApiMatches(route: HttpRequestSpec, expected: unknown): Promise<void> {
    const res = await fetch(`${this.url}${route.path}`, { headers: route.headers });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${route.path}: HTTP ${res.status} ${text}`);
    const got = JSON.stringify(JSON.parse(text));
    const want = JSON.stringify(expected);
    if (got !== want)
      throw new Error(`${route.path}: the API and the driver baseline differ:\n  API    ${got}\n  driver ${want}`);
  }

  /** Fails unless every route answers 200 with the same body: both sides must do the same work. */
  async expectSameAnswers(routes: HttpRequestSpec[]): Promise<string> {
    const bodies = await Promise.all(
      routes.map(async (r) => {
        const res = await fetch(`${this.url}${r.path}`, { headers: r.headers });
        if (res.status !== 200) throw new Error(`${r.path}: HTTP ${res.status} ${await res.text()}`);
        return res.text();
      }),
    );
    if (new Set(bodies).size !== 1) throw new Error(`routes answer differently: ${bodies.join(' | ')}`);
    return bodies[0];
  }

  bearer(tenant: BenchTenant, role?: Role): Record<string, string> {
    return { authorization: `Bearer ${tenant.token(role)}` };
  }

  /** Progress on stderr, so stdout stays the table. */
  log(message: string): void {
    process.stderr.write(`  ${message}\n`);
  }

  /** Stops the app; on a server the bench does not own, first removes every tenant it created. */
  async close(): Promise<void> {
    if (!this.db.owned && this.createdTenants.length) {
      this.log(`removing ${this.createdTenants.length} bench tenants from the external database`);
      const directory = this.app.get(TenantDirectory);
      for (const slug of this.createdTenants) {
        const record = await directory.get(slug);
        if (!record) continue;
        await this.connections.drop(record.dbName);
        await directory.remove(slug);
      }
    }
    await this.app.close();
  }
}
