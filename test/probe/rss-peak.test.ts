import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KernelRssPeak, parseVmHwmBytes, type ProcFiles } from '../../harness/probe/rss-peak.js';

const STATUS = 'Name:\tnode\nVmPeak:\t  900000 kB\nVmHWM:\t   81234 kB\nVmRSS:\t   80000 kB\n';

describe('kernel RSS peak', () => {
  it('reads VmHWM in bytes, and nothing when the line is absent', () => {
    assert.equal(parseVmHwmBytes(STATUS), 81234 * 1024);
    assert.equal(parseVmHwmBytes('Name:\tnode\n'), undefined);
  });

  it('resets through clear_refs with 5, then reads the high-water mark', () => {
    const writes: string[] = [];
    const proc: ProcFiles = { read: () => STATUS, write: (path, text) => void writes.push(`${path}=${text}`) };
    const peak = new KernelRssPeak(proc);
    assert.equal(peak.reset(), true);
    assert.deepEqual(writes, ['/proc/self/clear_refs=5']);
    assert.equal(peak.peakBytes(), 81234 * 1024);
  });

  it('gives nothing, so the caller samples, when clear_refs cannot be written or there is no VmHWM', () => {
    const denied = new KernelRssPeak({
      read: () => STATUS,
      write: () => {
        throw new Error('EACCES');
      },
    });
    assert.equal(denied.reset(), false);
    assert.equal(denied.peakBytes(), undefined);
    const noHwm = new KernelRssPeak({ read: () => 'Name:\tnode\n', write: () => undefined });
    assert.equal(noHwm.reset(), false);
    assert.equal(noHwm.peakBytes(), undefined);
  });

  it('on Linux, catches a 64 MB allocation already freed', { skip: process.platform !== 'linux' }, (t) => {
    const peak = new KernelRssPeak();
    if (!peak.reset())
      return t.skip('/proc/self/clear_refs cannot be written here: the kernel high-water mark cannot be reset');
    const before = process.memoryUsage.rss();
    let buffer: Buffer | undefined = Buffer.alloc(64 * 2 ** 20, 1);
    assert.equal(buffer[buffer.length - 1], 1);
    buffer = undefined;
    assert.ok(peak.peakBytes()! >= before + 60 * 2 ** 20);
  });
});
