import { readdirSync, readFileSync } from "node:fs";

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

/**
 * CPU time a process has used so far, in milliseconds: the sum over its threads of the scheduler's
 * run time (/proc/<pid>/task/<tid>/schedstat, nanoseconds), which, unlike the 10 ms ticks of
 * /proc/<pid>/stat, is precise enough to read around a single request. Threads that ended are not
 * counted, so read it around work, not over a process's life.
 */
export function processCpuMs(pid: number): number {
  let nanoseconds = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      nanoseconds += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return nanoseconds / 1e6;
}

/**
 * CPU time of one thread so far, in milliseconds (by default the process's main thread, which in
 * workerd runs every isolate: the JavaScript, and the HTTP around it; V8's helper threads, which
 * collect garbage and compile concurrently, are left out). The kernel brings this figure up to date
 * when the thread stops running (and at each scheduler tick), so it is exact for a sleeping thread
 * (see `threadState`) and may lag by a tick for a running one: read another process's thread, not
 * your own.
 */
export function threadCpuMs(pid: number, tid = pid): number {
  return Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]) / 1e6;
}

/** The thread's scheduler state: R (running or runnable), S (sleeping), … */
export function threadState(pid: number, tid = pid): string {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
  return stat.charAt(stat.lastIndexOf(")") + 2);
}
