import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const ESTABLISHED = '01';

/**
 * How many established TCP connections this process holds to `port`, as the kernel sees them
 * (Linux /proc). The driver's own counters could miss a second client; this cannot.
 * Undefined where /proc is not available.
 */
export function socketsTo(port: number | undefined): number | undefined {
  if (port === undefined) return undefined;
  let inodes: Set<string>;
  try {
    inodes = new Set(
      readdirSync('/proc/self/fd')
        .map((fd) => {
          try {
            return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
          } catch {
            return undefined;
          }
        })
        .filter((x): x is string => x !== undefined),
    );
  } catch {
    return undefined;
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let count = 0;
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const [, , remote, state] = cols;
      if (state === ESTABLISHED && remote.endsWith(`:${hexPort}`) && inodes.has(cols[9])) count++;
    }
  }
  return count;
}

/** Samples `socketsTo(port)` every `everyMs` until stopped; returns the largest count seen. */
export function watchSockets(port: number | undefined, everyMs = 100): { stop(): number | undefined } {
  let peak = socketsTo(port);
  const timer = setInterval(() => {
    const now = socketsTo(port);
    if (now !== undefined && (peak === undefined || now > peak)) peak = now;
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}
