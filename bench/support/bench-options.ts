import { parseArgs } from 'node:util';
import type { Handler } from './bench-database';

export interface BenchOptions {
  /** Scenario names to run; empty means all. */
  scenarios: string[];
  smoke: boolean;
  handlers: Handler[];
  /** Seconds per measured round, per side. */
  durationSec: number;
  rounds: number;
  warmupSec: number;
  /** HTTP connections / driver loops in flight: the same on both sides of every comparison. */
  connections: number;
  /** many-tenants: active tenants. */
  tenants: number;
  /** customers-*: customers seeded in the search tenant. */
  customers: number;
  /** realtime-fanout: sockets in the room. */
  sockets: number;
  list: boolean;
  help: boolean;
}

export const USAGE = `npm run bench -- [scenario ...] [options]

  scenario             run only these (default: all); --list shows them
  --smoke              seconds-long run of every scenario with small data (CI); reports, never fails on a ratio
  --handler=H          FerretDB backend: sqlite (default), postgresql, or both; ignored when MONGODB_URI is set
  --duration=S         seconds per measured round and side (default 5, smoke 1)
  --rounds=N           measured rounds per comparison, medians reported (default 3, smoke 1)
  --warmup=S           warm-up seconds per side (default 2, smoke 0.5)
  --connections=N      concurrency on both sides of each comparison (default 16, smoke 4)
  --tenants=N          many-tenants: active tenants (default 1000, smoke 50)
  --customers=N        customer scenarios: customers in one tenant (default 100000 on MONGODB_URI,
                       5000 on FerretDB, smoke 200)
  --sockets=N          realtime-fanout: sockets in the room (default 1000, smoke 100)

Results: a table on stdout and bench/results/<scenario>-<timestamp>.json (one per scenario and handler).
Environment: MONGODB_URI (use that server), BENCH_POSTGRESQL_URL (default postgres://postgres@127.0.0.1:5432/ferretdb_bench).`;

export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      smoke: { type: 'boolean', default: false },
      handler: { type: 'string', default: 'sqlite' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      tenants: { type: 'string' },
      customers: { type: 'string' },
      sockets: { type: 'string' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const smoke = values.smoke ?? false;
  const num = (name: string, raw: string | undefined, full: number, small: number, min: number): number => {
    if (raw === undefined) return smoke ? small : full;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, not "${raw}"`);
    return n;
  };
  const handler = values.handler ?? 'sqlite';
  const handlers: Handler[] =
    handler === 'both' ? ['sqlite', 'postgresql'] : handler === 'sqlite' || handler === 'postgresql' ? [handler] : [];
  if (!handlers.length) throw new Error(`--handler must be sqlite, postgresql or both, not "${handler}"`);
  return {
    scenarios: positionals,
    smoke,
    handlers,
    durationSec: num('duration', values.duration, 5, 1, 0.1),
    rounds: Math.round(num('rounds', values.rounds, 3, 1, 1)),
    warmupSec: num('warmup', values.warmup, 2, 0.5, 0),
    connections: Math.round(num('connections', values.connections, 16, 4, 1)),
    tenants: Math.round(num('tenants', values.tenants, 1000, 50, 2)),
    // FerretDB scans where MongoDB uses an index (see bench/README.md): 100k customers make each
    // FerretDB query take seconds to minutes, so its default is smaller; --customers overrides.
    customers: Math.round(num('customers', values.customers, env.MONGODB_URI ? 100_000 : 5_000, 200, 100)),
    sockets: Math.round(num('sockets', values.sockets, 1000, 100, 1)),
    list: values.list ?? false,
    help: values.help ?? false,
  };
}
