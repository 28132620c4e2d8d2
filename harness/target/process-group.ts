/**
 * Every service runs in a process group of its own (spawned `detached`, so its pid is the group's id): killing the
 * group ends what the service started too (workers, shells, helpers), not only the process the harness spawned.
 */
const groups = new Set<number>();

// Synchronous, so it runs on every way out of the harness that runs JavaScript: a normal end, process.exit, a throw.
process.on('exit', () => {
  for (const group of groups) signalGroup(group);
});

function signalGroup(group: number): void {
  try {
    process.kill(-group, 'SIGKILL');
  } catch {
    // ESRCH: every process of the group has ended. The id cannot have been reused: Linux keeps a pid while a group holds it.
  }
}

/** Remembers a service's group until killGroup; `pid` is the group leader's, the process the harness spawned. */
export function trackGroup(pid: number): void {
  groups.add(pid);
}

/** SIGKILL to every process of the group, leader or not, alive or already exited. */
export function killGroup(pid: number): void {
  signalGroup(pid);
  groups.delete(pid);
}

export function killAllGroups(): void {
  for (const group of [...groups]) killGroup(group);
}

/** Groups started and not yet killed. */
export function trackedGroups(): number {
  return groups.size;
}
