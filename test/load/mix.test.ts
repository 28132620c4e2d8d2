import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addTruthCounts, createMixPicker, emptyTruthCounts, fillPath } from '../../harness/load/mix.js';
import { parseTruth } from '../../workloads/shape/types.js';

const MIX = {
  seed: 11,
  idPrefix: 'm',
  routes: [
    { name: 'a', method: 'GET' as const, path: '/a/:id', weight: 3, errorRate: 0.1, slowRate: 0 },
    { name: 'b', method: 'POST' as const, path: '/b', weight: 1, errorRate: 0, slowRate: 0.5 },
  ],
};

describe("the generator's request mix", () => {
  it('routes by weight and draws errors and slow paths at their rates, counting what it drew', () => {
    const picker = createMixPicker(MIX, 0);
    const requests = Array.from({ length: 8000 }, () => picker.next());
    const a = requests.filter((r) => r.route === 'a').length / requests.length;
    assert.ok(Math.abs(a - 0.75) < 0.02, `share of a: ${a}`);
    assert.equal(picker.counts.sent, 8000);
    assert.ok(Math.abs(picker.counts.byRoute.a.drawnError / picker.counts.byRoute.a.sent - 0.1) < 0.02);
    assert.equal(picker.counts.byRoute.b.drawnError, 0);
    assert.ok(Math.abs(picker.counts.byRoute.b.drawnSlow / picker.counts.byRoute.b.sent - 0.5) < 0.05);
    assert.equal(requests.filter((r) => r.drawnError).length, picker.counts.drawnError);
  });

  it('marks every request with a unique id carrying the prefix and the worker, and fills path parameters', () => {
    const ids = new Set<string>();
    for (const worker of [0, 1]) {
      const picker = createMixPicker(MIX, worker);
      for (let i = 0; i < 100; i++) {
        const r = picker.next();
        const truth = parseTruth(r.headers['x-tracebench-truth'])!;
        assert.ok(truth.requestId.startsWith(`m${worker}-`));
        ids.add(truth.requestId);
        if (r.route === 'a') assert.match(r.path, /^\/a\/\d+$/);
      }
    }
    assert.equal(ids.size, 200);
  });

  it('the same seed sends the same mix', () => {
    const a = createMixPicker(MIX, 0);
    const b = createMixPicker(MIX, 0);
    for (let i = 0; i < 50; i++) assert.deepEqual(a.next(), b.next());
  });

  it('counts add up across workers', () => {
    const total = addTruthCounts(
      addTruthCounts(emptyTruthCounts(), {
        sent: 2,
        drawnError: 1,
        drawnSlow: 0,
        byRoute: { a: { sent: 2, drawnError: 1, drawnSlow: 0 } },
      }),
      { sent: 3, drawnError: 0, drawnSlow: 1, byRoute: { a: { sent: 3, drawnError: 0, drawnSlow: 1 } } },
    );
    assert.deepEqual(total, {
      sent: 5,
      drawnError: 1,
      drawnSlow: 1,
      byRoute: { a: { sent: 5, drawnError: 1, drawnSlow: 1 } },
    });
    assert.match(
      fillPath('/x/:a/y/:b', () => 0.5),
      /^\/x\/\d+\/y\/\d+$/,
    );
  });
});
