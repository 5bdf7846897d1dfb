/** Before and after of one changed field. */
export interface FieldDiff {
  from: unknown;
  to: unknown;
}

/**
 * The fields whose values differ between two plain snapshots, compared by value (dates by
 * instant, arrays and objects structurally, undefined as null). For audit and event payloads.
 */
export function diffFields(
  beforeObject: object,
  afterObject: object,
  ignore: readonly string[] = [],
): Record<string, FieldDiff> {
  const before = beforeObject as Readonly<Record<string, unknown>>;
  const after = afterObject as Readonly<Record<string, unknown>>;
  const out: Record<string, FieldDiff> = {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (ignore.includes(key)) continue;
    const from = before[key] ?? null;
    const to = after[key] ?? null;
    if (canonical(from) !== canonical(to)) out[key] = { from, to };
  }
  return out;
}

export function isEmptyDiff(diff: Record<string, FieldDiff>): boolean {
  return Object.keys(diff).length === 0;
}

/** Stable JSON: object keys sorted, dates as ISO strings, undefined as null. */
export function canonical(value: unknown): string {
  return JSON.stringify(normalise(value));
}

function normalise(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object') {
    const src = value as Record<string, unknown>;
    if (typeof (src as { toHexString?: unknown }).toHexString === 'function') return String(value);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(src).sort()) out[k] = normalise(src[k]);
    return out;
  }
  return value;
}
