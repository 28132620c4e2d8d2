import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { createLoadGenerator } from '../../harness/load/generator.js';
import { mergeRealtime } from '../../harness/load/merge.js';
import {
  currentThreadId,
  DEFAULT_SCHEDULER_TOOL,
  enterRealtime,
  readThreadPolicy,
  REALTIME_PRIORITY,
  realtimeRefusedWarning,
  SCHED_FIFO,
  SCHED_OTHER,
  setThreadRealtime,
} from '../../harness/load/realtime.js';
import { startJsonServer } from './test-server.js';

const linux = process.platform === 'linux';
/** Whether this process may use SCHED_FIFO at all: root, CAP_SYS_NICE or an RLIMIT_RTPRIO. */
const permitted = linux && spawnSync('chrt', ['-f', String(REALTIME_PRIORITY), 'true']).status === 0;
const notPermitted = permitted ? false : 'SCHED_FIFO is not permitted here (needs Linux and root or CAP_SYS_NICE)';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tracebench-realtime-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for chrt that logs its arguments and refuses to set the thread `refuseTid` (any thread when omitted). */
function fakeChrt(refuseTid?: number): { chrtPath: string; calls: () => string[] } {
  const chrtPath = join(dir, `chrt-${refuseTid ?? 'all'}`);
  const log = `${chrtPath}.log`;
  const refuse = refuseTid === undefined ? 'true' : `[ "$4" = "${refuseTid}" ]`;
  writeFileSync(
    chrtPath,
    `#!/bin/sh\necho "$@" >> '${log}'\nif ${refuse}; then echo "chrt: failed to set pid $4's policy: Operation not permitted" >&2; exit 1; fi\n`,
  );
  chmodSync(chrtPath, 0o755);
  return { chrtPath, calls: () => readFileSync(log, 'utf8').trim().split('\n') };
}

/** A worker thread that reports its Linux thread id and waits until told to end. */
async function idleThread(): Promise<{ tid: number; end: () => Promise<number> }> {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const tid = Number(/\\/task\\/(\\d+)$/.exec(require('node:fs').readlinkSync('/proc/thread-self'))[1]);
     parentPort.postMessage(tid);
     parentPort.once('message', () => process.exit(0));`,
    { eval: true },
  );
  const tid = await new Promise<number>((resolve) => worker.once('message', resolve));
  return {
    tid,
    end: () => {
      worker.postMessage('end');
      return new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

/** Every thread of this process at SCHED_FIFO. */
function fifoThreads(): number[] {
  return readdirSync(`/proc/${process.pid}/task`)
    .map(Number)
    .filter((tid) => readThreadPolicy(tid)?.policy === SCHED_FIFO);
}

describe('realtime: refusals', { skip: linux ? false : 'Linux only' }, () => {
  test('a missing chrt is named, with where it comes from', () => {
    const outcome = setThreadRealtime(currentThreadId(), true, {
      ...DEFAULT_SCHEDULER_TOOL,
      chrtPath: join(dir, 'none'),
    });
    assert.equal(outcome.ok, false);
    assert.match(!outcome.ok ? outcome.reason : '', /none not found \(it comes with util-linux\)/);
  });

  test("chrt's own complaint is kept as the reason", () => {
    const { chrtPath, calls } = fakeChrt();
    const tid = currentThreadId()!;
    const outcome = setThreadRealtime(tid, true, { chrtPath, priority: 7 });
    assert.equal(outcome.ok, false);
    assert.match(!outcome.ok ? outcome.reason : '', /Operation not permitted/);
    assert.deepEqual(calls(), [`-f -p 7 ${tid}`]);
  });

  test('all or none: when the second thread is refused, the first goes back to normal', () => {
    const { chrtPath, calls } = fakeChrt(222);
    const { record } = enterRealtime([111, 222], { chrtPath, priority: 10 });
    assert.equal(record.state, 'refused');
    assert.deepEqual(calls(), ['-f -p 10 111', '-f -p 10 222', '-o -p 0 111']);
  });

  test('an unknown thread id is refused without calling chrt', () => {
    assert.deepEqual(enterRealtime([null]).record, {
      state: 'refused',
      reason: 'the thread id is unknown (/proc/thread-self unreadable)',
    });
  });

  test('the warning says how to enable it', () => {
    const warning = realtimeRefusedWarning('chrt: Operation not permitted');
    for (const part of [
      'load.realtime',
      'Operation not permitted',
      'normal priority',
      'root',
      'cap_sys_nice',
      'ulimit -r',
    ])
      assert.ok(warning.includes(part), `missing ${part}: ${warning}`);
  });

  test('merged, one refused worker makes the run refused; applied threads add up', () => {
    const applied = { state: 'applied', policy: 'SCHED_FIFO', priority: 10, threads: 2 } as const;
    const refused = { state: 'refused', reason: 'no' } as const;
    assert.deepEqual(mergeRealtime([applied, applied]), { ...applied, threads: 4 });
    assert.deepEqual(mergeRealtime([applied, refused]), refused);
    assert.deepEqual(mergeRealtime([{ state: 'off' }, { state: 'off' }]), { state: 'off' });
  });

  test('an open loop asked for realtime but refused runs at normal priority, records why, and warns once', async () => {
    const { chrtPath } = fakeChrt();
    const warnings: string[] = [];
    const generator = createLoadGenerator({
      threads: 1,
      onWarning: (w) => warnings.push(w),
      schedulerTool: { chrtPath, priority: 10 },
    });
    const server = await startJsonServer();
    try {
      const options = { url: server.url, rateRps: 100, durationMs: 300, threads: 1, connections: 2, timeoutMs: 1000 };
      for (let i = 0; i < 2; i++) {
        const r = await generator.openLoop({ ...options, pacing: 'thread', realtime: true });
        assert.equal(r.realtime.state, 'refused');
        assert.match(r.realtime.state === 'refused' ? r.realtime.reason : '', /Operation not permitted/);
        assert.equal(r.sent, r.scheduled, 'the run went on');
        assert.equal(r.ok, r.sent);
      }
      assert.equal(warnings.length, 1, 'one warning per generator');
      assert.match(warnings[0]!, /ulimit -r/);
      const off = await generator.openLoop({ ...options, pacing: 'thread' });
      assert.deepEqual(off.realtime, { state: 'off' });
    } finally {
      await server.close();
      await generator.close();
    }
  });
});

describe('realtime: applied for real', { skip: notPermitted }, () => {
  test('chrt -p puts one worker thread at SCHED_FIFO and back, and no other thread', async () => {
    const thread = await idleThread();
    try {
      assert.deepEqual(readThreadPolicy(thread.tid), { policy: SCHED_OTHER, priority: 0 });
      assert.deepEqual(setThreadRealtime(thread.tid, true), { ok: true });
      assert.deepEqual(readThreadPolicy(thread.tid), { policy: SCHED_FIFO, priority: REALTIME_PRIORITY });
      assert.deepEqual(fifoThreads(), [thread.tid], 'only that thread');
      assert.deepEqual(setThreadRealtime(thread.tid, false), { ok: true });
      assert.deepEqual(readThreadPolicy(thread.tid), { policy: SCHED_OTHER, priority: 0 });
    } finally {
      await thread.end();
    }
  });

  test('an open loop runs its sending and alarm threads at SCHED_FIFO and leaves none there afterwards', async () => {
    const generator = createLoadGenerator({ threads: 1 });
    const server = await startJsonServer();
    try {
      const options = { url: server.url, rateRps: 200, durationMs: 500, threads: 1, connections: 2, timeoutMs: 1000 };
      let mostFifo = 0;
      const watch = setInterval(() => {
        mostFifo = Math.max(mostFifo, fifoThreads().length);
      }, 20);
      const threadPacing = await generator.openLoop({ ...options, pacing: 'thread', realtime: true });
      clearInterval(watch);
      assert.deepEqual(threadPacing.realtime, { state: 'applied', policy: 'SCHED_FIFO', priority: 10, threads: 2 });
      assert.equal(threadPacing.ok, threadPacing.scheduled);
      assert.equal(mostFifo, 2, 'the sending thread and its alarm thread were at SCHED_FIFO during the window');
      assert.deepEqual(fifoThreads(), [], 'back to normal after the window');
      const hybrid = await generator.openLoop({ ...options, pacing: 'hybrid', realtime: true });
      assert.deepEqual(hybrid.realtime, { state: 'applied', policy: 'SCHED_FIFO', priority: 10, threads: 1 });
      assert.deepEqual(fifoThreads(), []);
    } finally {
      await server.close();
      await generator.close();
    }
  });
});
