import { readFileSync } from "node:fs";

/** Small statistics helpers for the landing benchmark. */

/** The nearest-rank percentile (p in 0–100) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function mean(samples: readonly number[]): number {
  return samples.reduce((sum, value) => sum + value, 0) / samples.length;
}

/** Milliseconds with two decimals (three below 0.1 ms). */
export function ms(value: number): string {
  return value < 0.1 ? value.toFixed(3) : value.toFixed(2);
}

export function bytes(value: number): string {
  return `${value.toLocaleString("en")} B`;
}

/** CPU time (user + system) of a process so far, in milliseconds, from /proc/<pid>/stat. */
export function processCpuMs(pid: number, ticksPerSecond: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may contain spaces; the fields after it are fixed.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / ticksPerSecond;
}
