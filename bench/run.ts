import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchArgs, USAGE, type BenchOptions } from './support/bench-options';
import type { Handler } from './support/bench-database';
import type { ScenarioReport } from './support/report';

/**
 * `npm run bench -- [scenario ...] [--smoke] [--handler=sqlite|postgresql|both] ...`
 *
 * The parent process only orchestrates: it runs one child per database (the application reads
 * its configuration once per process) with --expose-gc (for the heap figures), then prints a
 * side-by-side summary when there was more than one database. Each child starts its database,
 * the application, runs the scenarios, prints their tables and writes bench/results/*.json.
 */
async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const options = parseBenchArgs(argv);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  setBenchEnv();
  if (options.list) {
    const { SCENARIOS } = await import('./scenarios');
    for (const s of SCENARIOS) process.stdout.write(`${s.name.padEnd(20)} ${s.description}\n`);
    return 0;
  }
  return process.env.BENCH_CHILD === '1' ? runChild(options) : orchestrate(argv, options);
}

/**
 * The application under test runs as in production: NODE_ENV=production (which requires a JWT
 * secret: the bench signs its tokens with the same one), and no logs on the request path.
 */
function setBenchEnv(): void {
  process.env.NODE_ENV = 'production';
  process.env.LOG_LEVEL = 'silent';
  process.env.AUTH_JWT_SECRET ??= `bench-${randomBytes(24).toString('hex')}`;
  // The rate limiter stays on (its cost is part of every request) with budgets no run can spend,
  // counted in memory: one instance, and no Redis round trip in the figures.
  process.env.RATE_LIMIT_ENABLED = 'true';
  process.env.RATE_LIMIT_PER_USER = '10000000';
  process.env.RATE_LIMIT_PER_TENANT = '10000000';
  process.env.RATE_LIMIT_PER_IP = '10000000';
  delete process.env.REDIS_URL;
  // FerretDB scans collections, so a read can take longer than production allows.
  process.env.REQUEST_TIMEOUT_MS = '600000';
  // The webhook scenario's receiver listens on 127.0.0.1 over plain HTTP; the scenario drives the
  // delivery rounds itself, so no background loop competes with what it measures.
  process.env.WEBHOOK_ALLOW_PRIVATE = 'true';
  process.env.WEBHOOK_POLL_INTERVAL_MS = '0';
}

interface ChildSummary {
  database: string;
  reports: ScenarioReport[];
  failures: string[];
}

async function orchestrate(argv: string[], options: BenchOptions): Promise<number> {
  const handlers: Array<Handler | undefined> = process.env.MONGODB_URI ? [undefined] : options.handlers;
  if (process.env.MONGODB_URI && argv.some((a) => a.startsWith('--handler'))) {
    process.stderr.write('MONGODB_URI is set: --handler is ignored, the bench runs against that server.\n');
  }
  const dir = mkdtempSync(join(tmpdir(), 'tenant-crm-bench-summary-'));
  const summaries: ChildSummary[] = [];
  let exitCode = 0;
  try {
    for (const [i, handler] of handlers.entries()) {
      const summaryFile = join(dir, `${i}.json`);
      const args = ['--expose-gc', __filename, ...argv.filter((a) => !a.startsWith('--handler'))];
      if (handler) args.push(`--handler=${handler}`);
      const code = await new Promise<number>((resolve) => {
        const child = spawn(process.execPath, args, {
          stdio: 'inherit',
          env: { ...process.env, BENCH_CHILD: '1', BENCH_SUMMARY: summaryFile },
        });
        child.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
      });
      if (code !== 0) exitCode = code;
      try {
        summaries.push(JSON.parse(readFileSync(summaryFile, 'utf8')) as ChildSummary);
      } catch {
        // The child failed before writing it; its own output says why.
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (summaries.length > 1) {
    const { sideBySide } = await import('./support/summary');
    process.stdout.write(`${sideBySide(summaries)}\n`);
  }
  const failures = summaries.flatMap((s) => s.failures.map((f) => `${s.database}: ${f}`));
  if (failures.length) process.stderr.write(`\nbench failures:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
  return exitCode;
}

async function runChild(options: BenchOptions): Promise<number> {
  // Stop our FerretDB (an exit hook of the launcher) on Ctrl-C instead of orphaning it.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const { openBenchDatabase } = await import('./support/bench-database');
  const { SCENARIOS } = await import('./scenarios');
  const unknown = options.scenarios.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length) {
    throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  }
  const selected = options.scenarios.length ? SCENARIOS.filter((s) => options.scenarios.includes(s.name)) : SCENARIOS;
  const handler = options.handlers[0];
  const db = await openBenchDatabase(handler, process.env);
  process.env.MONGODB_URI = db.uri;
  const summary: ChildSummary = { database: db.label, reports: [], failures: [] };
  try {
    // Imported only now: the application reads its configuration (MONGODB_URI) when its module loads.
    const { BenchSession } = await import('./support/bench-session');
    const { describeServer, formatReport, machine, writeReport } = await import('./support/report');
    const session = await BenchSession.start(db, options);
    try {
      const server = await describeServer(session.connections.root, db.label);
      process.stdout.write(`\nbench${options.smoke ? ' (smoke)' : ''} on ${server}, ${machineLine(machine())}\n`);
      for (const scenario of selected) {
        const why = scenario.unavailable?.(session) ?? null;
        if (why) {
          process.stdout.write(`\n== ${scenario.name}: skipped (${why})\n`);
          continue;
        }
        process.stderr.write(`\n${scenario.name}: ${scenario.description}\n`);
        const startedAt = new Date().toISOString();
        try {
          const result = await scenario.run(session);
          const report: ScenarioReport = {
            scenario: scenario.name,
            database: { label: db.label, server },
            startedAt,
            finishedAt: new Date().toISOString(),
            machine: machine(),
            options: { ...options },
            result,
          };
          process.stdout.write(`${formatReport(report)}\n`);
          process.stdout.write(`  → ${writeReport(report)}\n`);
          summary.reports.push(report);
        } catch (e) {
          const message = `${scenario.name} failed: ${(e as Error).stack ?? String(e)}`;
          process.stderr.write(`${message}\n`);
          summary.failures.push(message.split('\n')[0]);
        }
      }
    } finally {
      await session.close();
    }
  } finally {
    await db.stop();
    if (process.env.BENCH_SUMMARY) writeFileSync(process.env.BENCH_SUMMARY, JSON.stringify(summary));
  }
  return summary.failures.length ? 1 : 0;
}

function machineLine(m: { cores: number; cpuModel: string; memoryGb: number; node: string }): string {
  return `${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB, Node ${m.node}`;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  },
);
