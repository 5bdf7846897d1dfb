import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import type { Connection } from 'mongoose';
import { meetsTarget, type Comparison } from './comparison';
import type { ScenarioResult } from './scenario';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  freeMemoryGb: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGb: round(totalmem() / 2 ** 30, 1),
    freeMemoryGb: round(freemem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** What one scenario produced on one database, as written to bench/results/. */
export interface ScenarioReport {
  scenario: string;
  database: { label: string; server: string };
  startedAt: string;
  finishedAt: string;
  machine: Machine;
  options: Record<string, unknown>;
  result: ScenarioResult;
}

export function writeReport(report: ScenarioReport): string {
  const dir = join(repoRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const file = join(dir, `${report.scenario}-${report.database.label}-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

export function formatReport(report: ScenarioReport): string {
  const { result } = report;
  const out: string[] = [`\n== ${report.scenario} on ${report.database.server}`];
  if (result.comparisons.length) {
    out.push(
      table(
        [
          'comparison (subject vs baseline)',
          'conc',
          'round',
          'base ops/s',
          'subj ops/s',
          'ratio',
          'base p95',
          'subj p95',
          'p95 ×',
          'target',
        ],
        result.comparisons.map((c) => [
          c.name,
          String(c.concurrency),
          Number.isFinite(c.roundSec) ? `${fmt(c.roundSec, c.roundSec < 10 ? 1 : 0)}s` : '',
          fmt(c.baseline.opsPerSec, opsDigits(c.baseline.opsPerSec)),
          fmt(c.subject.opsPerSec, opsDigits(c.subject.opsPerSec)),
          fmt(c.throughputRatio, 2),
          `${fmt(c.baseline.p95, 2)}ms`,
          `${fmt(c.subject.p95, 2)}ms`,
          fmt(c.p95Ratio, 2),
          Number.isFinite(c.busyRatio)
            ? `${fmt(c.baseline.busyMsPerOp, 2)}→${fmt(c.subject.busyMsPerOp, 2)}ms ×${fmt(c.busyRatio, 2)}`
            : '',
          targetText(c),
        ]),
      ),
    );
  }
  if (result.metrics.length) {
    out.push(
      table(
        ['metric', 'value', 'target'],
        result.metrics.map((m) => [
          m.name,
          `${fmt(m.value, metricDigits(m.value))} ${m.unit}`,
          m.target ? `${m.target} ${m.met === undefined ? '' : m.met ? '(met)' : '(NOT met)'}`.trim() : '',
        ]),
      ),
    );
  }
  for (const note of result.notes) out.push(`  note: ${note}`);
  if (result.comparisons.some((c) => Number.isFinite(c.busyRatio))) {
    out.push('  busy/op: main-thread milliseconds per operation (app or driver loop), from event-loop utilisation');
  }
  return out.join('\n');
}

function targetText(c: Comparison): string {
  const met = meetsTarget(c);
  if (met === undefined) return '';
  return `${c.target?.text ?? ''} ${met ? '(met)' : '(NOT met)'}`;
}

export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), '  ' + widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Slow scans run at fractions of an operation per second. */
function opsDigits(opsPerSec: number): number {
  return opsPerSec < 10 ? 2 : 0;
}

/** Whole numbers and large values without decimals, small ones with two. */
export function metricDigits(value: number): number {
  return Number.isInteger(value) || Math.abs(value) >= 100 ? 0 : 2;
}

export function fmt(n: number, digits: number): string {
  if (!Number.isFinite(n)) return '-';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** The tenant-crm package root, from the sources or from dist/. */
export function repoRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'tenant-crm')
      return dir;
    if (dirname(dir) === dir) throw new Error(`no tenant-crm package.json above ${__dirname}`);
  }
}

/** "FerretDB 1.24.2 (sqlite)" or "MongoDB 7.0.14", from the server itself. */
export async function describeServer(root: Connection, label: string): Promise<string> {
  const info = await root.getClient().db('admin').command({ buildInfo: 1 });
  const ferret: unknown = info['ferretdbVersion'];
  const version = String(info['version'] ?? '?');
  if (typeof ferret === 'string') return `FerretDB ${ferret.replace(/^v/, '')} (${label} handler)`;
  return label === 'external' ? `MongoDB ${version}` : `MongoDB ${version} (${label})`;
}
