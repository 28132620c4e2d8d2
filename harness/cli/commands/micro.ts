import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseSlowPrimitive, runMicro } from '../../micro/index.js';
import { EXIT, UsageError } from '../errors.js';
import { interruptible } from './run.js';

const ns = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} µs` : `${x.toFixed(1)} ns`);

/** tinybench suites of the SDK's primitives, each in its own worker; writes micro.json and prints ns/op and the claims table. */
export async function microCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { suite: { type: 'string', multiple: true }, quick: { type: 'boolean', default: false }, out: { type: 'string' } },
  });
  if (positionals.length > 0) throw new UsageError(`micro takes no arguments (got '${positionals.join(' ')}'); use --suite NAME`);
  // Test-only, read here at the edge: slows one primitive so a compare can be shown to catch it.
  const slow = process.env.TRACEBENCH_TEST_SLOW_PRIMITIVE;
  const interrupt = interruptible();
  try {
    const results = await runMicro({ suites: values.suite, profile: values.quick ? 'quick' : 'default', signal: interrupt.signal, ...(slow ? { slowPrimitive: parseSlowPrimitive(slow) } : {}) });
    const dir = resolve(values.out ?? 'reports', `micro-${results.startedAt.replace(/[-:.]/g, '')}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'micro.json'), JSON.stringify(results, null, 2) + '\n');
    const lines = ['task                                       p50/op      mean/op     ±rme  samples'];
    for (const suite of results.suites) {
      if (suite.status === 'error') lines.push(`${suite.suite}: FAILED: ${suite.error}`);
      else for (const t of suite.tasks) lines.push(`${`${suite.suite}/${t.task}`.padEnd(40)} ${ns(t.nsPerOp.p50).padStart(10)} ${ns(t.nsPerOp.mean).padStart(11)} ${t.marginOfErrorPct.toFixed(1).padStart(6)}% ${String(t.samples).padStart(8)}`);
    }
    lines.push('', 'published claims vs measured here:');
    for (const c of results.claims)
      lines.push(c.status === 'measured' ? `  ${c.operation.padEnd(34)} claimed ${ns(c.claimedNs.low)}–${ns(c.claimedNs.high)}, measured ${ns(c.measuredNs)} (×${c.ratio.toFixed(2)} of the midpoint)` : `  ${c.operation.padEnd(34)} not measured: ${c.reason}`);
    process.stdout.write(lines.join('\n') + `\n\nresults: ${join(dir, 'micro.json')}\n`);
    return results.status === 'interrupted' ? EXIT.interrupted : EXIT.ok;
  } finally {
    interrupt.dispose();
  }
}
