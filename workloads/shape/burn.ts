/**
 * Burns `us` microseconds of this process's CPU time. It spins on process.cpuUsage (about 1 µs a call here)
 * rather than the wall clock, so being descheduled on a busy machine does not shorten the work.
 */
export function burnCpuUs(us: number): void {
  if (us <= 0) return;
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if (used.user + used.system >= us) return;
  }
}
