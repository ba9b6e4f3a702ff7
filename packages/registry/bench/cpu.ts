/*
 * Where the machine's CPU went during a measured run: the server child, this
 * process (the load generator) and everything else (on PostgreSQL, mostly its
 * backends). On a 2-core machine the three compete, so a throughput figure
 * means little without it. Linux /proc only; elsewhere nothing is reported.
 */
import { readFileSync } from 'node:fs';

/** CPU time in ms over one run, per consumer. */
export interface CpuSplit {
  readonly serverMs: number;
  readonly loadGeneratorMs: number;
  /** Busy time of the whole machine minus the two above. */
  readonly restMs: number;
  /** Busy share of all cores over the run, 0–1. */
  readonly machineBusy: number;
  /**
   * Share of all cores the hypervisor gave to other guests while this one
   * wanted to run (`steal` in /proc/stat), 0–1: CPU this machine did not have.
   */
  readonly stolen: number;
  readonly wallMs: number;
}

interface Snapshot {
  readonly at: bigint;
  readonly serverTicks: number;
  readonly self: NodeJS.CpuUsage;
  readonly busyTicks: number;
  readonly stealTicks: number;
  readonly allTicks: number;
}

/** USER_HZ: /proc reports CPU time in these units (100 on every Linux build Node supports). */
const TICK_MS = 10;

function processTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may hold spaces: utime is the 14th field, stime the 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function machineTicks(): { busy: number; steal: number; all: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  // cpu user nice system idle iowait irq softirq steal guest guest_nice
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = user + nice + system + irq + softirq;
  return { busy, steal, all: busy + idle + iowait + steal };
}

function snapshot(serverPid: number): Snapshot | undefined {
  try {
    const machine = machineTicks();
    return {
      at: process.hrtime.bigint(),
      serverTicks: processTicks(serverPid),
      self: process.cpuUsage(),
      busyTicks: machine.busy,
      stealTicks: machine.steal,
      allTicks: machine.all,
    };
  } catch {
    return undefined; // no /proc: not Linux
  }
}

/** Starts measuring; the returned function ends it (undefined where /proc is missing). */
export function measureCpu(serverPid: number): () => CpuSplit | undefined {
  const start = snapshot(serverPid);
  return () => {
    const end = snapshot(serverPid);
    if (!start || !end) return undefined;
    const self = process.cpuUsage(start.self);
    const serverMs = (end.serverTicks - start.serverTicks) * TICK_MS;
    const loadGeneratorMs = (self.user + self.system) / 1000;
    const busyMs = (end.busyTicks - start.busyTicks) * TICK_MS;
    const allTicks = Math.max(1, end.allTicks - start.allTicks);
    return {
      serverMs,
      loadGeneratorMs,
      restMs: Math.max(0, busyMs - serverMs - loadGeneratorMs),
      machineBusy: (end.busyTicks - start.busyTicks) / allTicks,
      stolen: (end.stealTicks - start.stealTicks) / allTicks,
      wallMs: Number(end.at - start.at) / 1e6,
    };
  };
}
