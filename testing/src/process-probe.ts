import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
const CLOCK_TICKS_PER_S = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** user + system CPU time from the text of /proc/<pid>/stat, in clock ticks. */
export function parseCpuTicks(stat: string): number {
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Field 3 (state) is fields[0]; utime is field 14, stime field 15.
  return Number(fields[11]) + Number(fields[12]);
}

/** A `VmHWM:` / `VmRSS:` line of /proc/<pid>/status, in MiB. */
export function parseStatusMb(status: string, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc status`);
  return Number(match[1]) / 1024;
}

/** CPU time (user + system) a process has used so far, in milliseconds. */
export function cpuTimeMs(pid: number): number {
  return (parseCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) * 1000) / CLOCK_TICKS_PER_S;
}

/** The most memory the process has had resident since it started (VmHWM), in MiB. */
export function peakRssMb(pid: number): number {
  return parseStatusMb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmHWM');
}

/** The memory the process has resident now (VmRSS), in MiB. */
export function rssMb(pid: number): number {
  return parseStatusMb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
}
