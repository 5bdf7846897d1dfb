import { fmt, metricDigits, table, type ScenarioReport } from './report';

interface Summary {
  database: string;
  reports: ScenarioReport[];
}

/** One row per comparison and metric, one column per database: the figures of a --handler=both run. */
export function sideBySide(summaries: Summary[]): string {
  const rows = new Map<string, string[]>();
  const cell = (key: string, column: number, value: string) => {
    const row = rows.get(key) ?? Array<string>(summaries.length).fill('');
    row[column] = value;
    rows.set(key, row);
  };
  summaries.forEach((summary, column) => {
    for (const report of summary.reports) {
      for (const c of report.result.comparisons) {
        cell(`${report.scenario}: ${c.name} (throughput ratio)`, column, fmt(c.throughputRatio, 2));
        cell(`${report.scenario}: ${c.name} (p95 ratio)`, column, fmt(c.p95Ratio, 2));
        if (Number.isFinite(c.busyRatio)) {
          cell(`${report.scenario}: ${c.name} (busy ms/op ratio)`, column, fmt(c.busyRatio, 2));
        }
      }
      for (const m of report.result.metrics) {
        cell(`${report.scenario}: ${m.name}`, column, `${fmt(m.value, metricDigits(m.value))} ${m.unit}`.trim());
      }
    }
  });
  return `\n== summary\n${table(
    ['figure', ...summaries.map((s) => s.database)],
    [...rows.entries()].map(([key, values]) => [key, ...values]),
  )}`;
}
