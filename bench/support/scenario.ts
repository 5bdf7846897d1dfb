import type { BenchSession } from './bench-session';
import type { Comparison } from './comparison';

/** A figure that is not a throughput comparison: heap per tenant, connections, seconds. */
export interface Metric {
  name: string;
  value: number;
  unit: string;
  /** Informational, like a comparison's target: e.g. "≤ 150 KB". */
  target?: string;
  met?: boolean;
}

export interface ScenarioResult {
  comparisons: Comparison[];
  metrics: Metric[];
  /** What limits the figures, what was skipped and why. */
  notes: string[];
}

export interface Scenario {
  name: string;
  description: string;
  /** Why the scenario cannot run in this build (e.g. its module does not exist yet), or null. */
  unavailable?(session: BenchSession): string | null;
  run(session: BenchSession): Promise<ScenarioResult>;
}
