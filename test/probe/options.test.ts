import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_PROBE_OPTIONS, parseProbeParts } from '../../harness/probe/options.js';

describe('TRACEBENCH_PROBE_PARTS', () => {
  it('absent: every part on, the loop-delay monitor at 200 ms', () => {
    assert.deepEqual(parseProbeParts(undefined), { ok: true, options: DEFAULT_PROBE_OPTIONS });
    assert.equal(DEFAULT_PROBE_OPTIONS.eventLoopDelayResolutionMs, 200);
  });

  it('a list turns on only the parts it names', () => {
    assert.deepEqual(parseProbeParts('requests, gc'), {
      ok: true,
      options: { requests: true, gc: true, eventLoopDelayResolutionMs: 0, rssPeak: false, series: false },
    });
  });

  it('cpu or an empty list keeps the CPU reading only', () => {
    const none = { requests: false, gc: false, eventLoopDelayResolutionMs: 0, rssPeak: false, series: false };
    assert.deepEqual(parseProbeParts('cpu'), { ok: true, options: none });
    assert.deepEqual(parseProbeParts(''), { ok: true, options: none });
  });

  it('eld takes an optional resolution in ms', () => {
    const resolution = (text: string) => {
      const parsed = parseProbeParts(text);
      return parsed.ok ? parsed.options.eventLoopDelayResolutionMs : parsed.error;
    };
    assert.equal(resolution('eld'), 200);
    assert.equal(resolution('eld:10'), 10);
    assert.match(String(resolution('eld:0')), /'eld:0': the resolution must be a whole number of ms ≥ 1/);
    assert.match(String(resolution('eld:2.5')), /whole number/);
  });

  it('reports every bad part at once, each by name', () => {
    const parsed = parseProbeParts('gc,memory,series:3');
    assert.equal(parsed.ok, false);
    assert.match(
      !parsed.ok ? parsed.error : '',
      /^TRACEBENCH_PROBE_PARTS: 'memory': unknown part \(known: cpu, requests, gc, eld, rss-peak, series\); 'series:3': only eld takes a value$/,
    );
  });
});
