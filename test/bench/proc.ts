// Linux /proc readings for the benchmark: memory and CPU time of Herald's
// process and of the embedded PostgreSQL (postmaster and its children).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // 100 on every Linux this runs on
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** VmRSS and VmHWM (peak resident set) in kB; null when the process is gone. */
export function memoryOf(pid: number): { rssKb: number; hwmKb: number } | null {
  const text = read(`/proc/${pid}/status`);
  if (!text) return null;
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}

/** Proportional set size in kB: shared pages (PostgreSQL's shared buffers) counted once across processes. */
export function pssKb(pid: number): number {
  const text = read(`/proc/${pid}/smaps_rollup`);
  return Number(/^Pss:\s+(\d+)/m.exec(text ?? '')?.[1] ?? 0);
}

interface Stat {
  ppid: number;
  /** utime + stime of the process itself, in seconds. */
  cpu: number;
  /** cutime + cstime: reaped children, in seconds. */
  childrenCpu: number;
}

export function statOf(pid: number): Stat | null {
  const text = read(`/proc/${pid}/stat`);
  if (!text) return null;
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(f[i] ?? 0);
  return { ppid: n(1), cpu: (n(11) + n(12)) / ticksPerSecond, childrenCpu: (n(13) + n(14)) / ticksPerSecond };
}

/** Seconds of CPU time of the whole machine (all cores): busy, and idle or waiting for I/O. */
export function machineCpu(): { machineBusy: number; machineIdle: number } {
  const f = (read('/proc/stat') ?? '').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { machineBusy: (total - idle) / ticksPerSecond, machineIdle: idle / ticksPerSecond };
}

/** Direct children of `pid`. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = statOf(Number(name));
    if (s?.ppid === pid) out.push(Number(name));
  }
  return out;
}

/** CPU seconds used so far by a server and its children (live ones, plus those already reaped). */
export function treeCpu(pid: number): number {
  const root = statOf(pid);
  if (!root) return 0;
  return root.cpu + root.childrenCpu + childrenOf(pid).reduce((sum, c) => sum + (statOf(c)?.cpu ?? 0), 0);
}

export function treePssKb(pid: number): number {
  return pssKb(pid) + childrenOf(pid).reduce((sum, c) => sum + pssKb(c), 0);
}

/**
 * Polls Herald's RSS every `everyMs` and PostgreSQL's total PSS every tenth
 * tick, keeping the peaks; `cpu()` reads where the CPU time went.
 */
export class ProcessWatch {
  private timer: NodeJS.Timeout | null = null;
  private ticks = 0;
  peakHeraldRssKb = 0;
  peakPostgresPssKb = 0;
  /** Peak RSS since the last `resetPhase()`. */
  phasePeakRssKb = 0;

  constructor(
    readonly heraldPid: number,
    readonly postmasterPid: number,
  ) {}

  start(everyMs = 100): void {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  resetPhase(): void {
    this.phasePeakRssKb = 0;
  }

  private sample(): void {
    const m = memoryOf(this.heraldPid);
    if (m) {
      this.peakHeraldRssKb = Math.max(this.peakHeraldRssKb, m.rssKb, m.hwmKb);
      this.phasePeakRssKb = Math.max(this.phasePeakRssKb, m.rssKb);
    }
    if (this.ticks++ % 10 === 0) this.peakPostgresPssKb = Math.max(this.peakPostgresPssKb, treePssKb(this.postmasterPid));
  }

  /** CPU seconds so far: Herald, PostgreSQL (all its processes), this benchmark, and the whole machine (busy and idle, all cores). */
  cpu(): { herald: number; postgres: number; bench: number; machineBusy: number; machineIdle: number } {
    const u = process.cpuUsage();
    return { herald: statOf(this.heraldPid)?.cpu ?? 0, postgres: treeCpu(this.postmasterPid), bench: (u.user + u.system) / 1e6, ...machineCpu() };
  }
}
