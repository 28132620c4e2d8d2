import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attribute, layerOf, previousLayers, type Attribution } from '../../harness/report/attribution.js';
import { LAYERS, layeredResults, plantedOverUs, SPANS_PER_REQUEST } from './fixtures/attribution-fixtures.js';
import { fixtureResults } from './fixtures/html-fixtures.js';
import { microFixture, TYPICAL_NS } from './fixtures/micro-fixtures.js';

const step = (a: Attribution, id: string) => {
  const found = a.steps.find((s) => s.cellId === id);
  assert.ok(found, `no step ${id}`);
  return found;
};

describe('attribution: the layer waterfall', () => {
  it('is null for a run without layer cells', () => {
    assert.equal(attribute(fixtureResults()), null);
  });

  it('reads settings.layer only when it has the expected shape', () => {
    assert.deepEqual(layerOf({ tracing: 'off', layer: { index: 2, name: 'x', adds: 'y' } } as never), {
      index: 2,
      name: 'x',
      adds: 'y',
    });
    assert.equal(layerOf({ tracing: 'off', layer: { index: '2', name: 'x' } } as never), undefined);
    assert.equal(layerOf({ tracing: 'off' }), undefined);
  });

  it('measures each layer against the one beneath; export alternatives against recorded, and simple export past them', () => {
    const a = attribute(layeredResults())!;
    const previous = Object.fromEntries(a.steps.map((s) => [s.cellId, s.previousCellId]));
    assert.deepEqual(previous, {
      'layer-0-no-sdk': null,
      'layer-1-api-noop': 'layer-0-no-sdk',
      'layer-2-sdk-always-off': 'layer-1-api-noop',
      'layer-3-context-manager': 'layer-2-sdk-always-off',
      'layer-4-recorded': 'layer-3-context-manager',
      'layer-5-batch-otlp': 'layer-4-recorded',
      'layer-5-batch-zipkin': 'layer-4-recorded',
      'layer-6-simple-otlp': 'layer-4-recorded',
    });
  });

  it('with one exporter, simple export is measured against the batch layer', () => {
    const layers = [
      { cellId: 'a', layer: { index: 4, name: 'recorded', adds: '' } },
      { cellId: 'b', layer: { index: 5, name: 'batch', adds: '' } },
      { cellId: 'c', layer: { index: 6, name: 'simple', adds: '' } },
    ];
    assert.deepEqual(
      [...previousLayers(layers)],
      [
        ['a', null],
        ['b', 'a'],
        ['c', 'b'],
      ],
    );
  });

  it('recovers each planted increment, paired by round despite a drift of up to 15 µs between rounds', () => {
    const a = attribute(layeredResults())!;
    for (const plan of LAYERS.slice(1)) {
      const s = step(a, plan.id);
      const planted = plan.addsUs;
      assert.ok(s.increment, `${plan.id}: no interval`);
      assert.ok(
        Math.abs(s.increment.estimate - planted) < 1.5,
        `${plan.id}: ${s.increment.estimate} vs planted ${planted}`,
      );
      assert.ok(
        s.increment.ci.high - s.increment.ci.low < 5,
        `${plan.id}: interval ${s.increment.ci.low}..${s.increment.ci.high}`,
      );
      assert.equal(s.pairedRounds, 5);
    }
  });

  it('reports a path per last layer, longest first, with its measured total', () => {
    const a = attribute(layeredResults())!;
    assert.deepEqual(
      a.paths.map((p) => p.cellIds.at(-1)),
      ['layer-6-simple-otlp', 'layer-5-batch-otlp', 'layer-5-batch-zipkin'],
    );
    const total = a.paths[0].measured!;
    const planted = plantedOverUs(LAYERS.find((l) => l.id === 'layer-6-simple-otlp')!);
    assert.ok(Math.abs(total.estimate - planted) < 2, `${total.estimate} vs ${planted}`);
  });

  it('the profile explains the measured total when it places nearly all of it', () => {
    const a = attribute(layeredResults({ profileShare: 0.95 }))!;
    assert.equal(a.paths.length, 3);
    for (const p of a.paths) assert.equal(p.profile.status, 'explained', p.profile.message);
    const simple = a.paths[0].profile;
    assert.ok(simple.status === 'explained');
    const planted = plantedOverUs(LAYERS.find((l) => l.id === 'layer-6-simple-otlp')!);
    assert.ok(Math.abs(simple.placedUs - planted * 0.95) < 0.01, `${simple.placedUs}`);
  });

  it('fails when the profile places too little of the measured total: half of it is left unplaced', () => {
    const a = attribute(layeredResults({ profileShare: 0.5 }))!;
    for (const p of a.paths) {
      assert.equal(p.profile.status, 'unexplained', p.profile.message);
      assert.match(p.profile.message, /does not explain it/);
    }
    const recorded = step(a, 'layer-4-recorded');
    assert.ok(
      recorded.remainderUs !== null && Math.abs(recorded.remainderUs - 14 * 0.5) < 1,
      `${recorded.remainderUs}`,
    );
  });

  it('places CPU the measured windows read off the main thread: the half the profiles miss explains the rest', () => {
    const results = layeredResults({ profileShare: 0.5 });
    for (const cell of results.cells) {
      const plan = LAYERS.find((l) => l.id === cell.id)!;
      for (const t of cell.trials)
        if (t.status !== 'failed') {
          const other = (plantedOverUs(plan) * 0.5 + 40) * t.metrics.requests;
          t.metrics.threadCpuUs = { main: 300 * t.metrics.requests, other, profiler: 0 };
        }
    }
    const a = attribute(results)!;
    const recorded = step(a, 'layer-4-recorded');
    assert.ok(Math.abs(recorded.profile!.offMainUs! - 7) < 1e-9, `${recorded.profile!.offMainUs}`);
    assert.ok(Math.abs(recorded.profile!.placedUs! - 14) < 1e-9);
    for (const p of a.paths) assert.equal(p.profile.status, 'explained', p.profile.message);
  });

  it('per layer: the profile increments by category, of which tracing, and the profiler cost', () => {
    const a = attribute(layeredResults({ profileShare: 1 }))!;
    const context = step(a, 'layer-3-context-manager').profile!;
    assert.ok(Math.abs(context.incrementUs!.context - 3) < 1e-9);
    assert.ok(Math.abs(context.incrementUs!.service) < 1e-9);
    assert.ok(Math.abs(context.tracingUs! - 3) < 1e-9);
    assert.equal(context.profiledOverMeasuredUs, 4);
    assert.equal(context.profilerThreadUs, 1);
    const batch = step(a, 'layer-5-batch-otlp').profile!;
    assert.ok(Math.abs(batch.incrementUs!.serialization - 20) < 1e-9);
    assert.equal(step(a, 'layer-0-no-sdk').profile!.incrementUs, null);
  });

  it('without profiled windows, or with one round, the check is unmeasured and says why', () => {
    const [none] = attribute(layeredResults())!.paths;
    assert.equal(none.profile.status, 'unmeasured');
    assert.match(none.profile.message, /profile/);
    const [one] = attribute(layeredResults({ rounds: 1, profileShare: 1 }))!.paths;
    assert.equal(one.profile.status, 'unmeasured');
  });

  it('without micro-benchmarks there is no prediction, and a note says how to get one', () => {
    const a = attribute(layeredResults())!;
    assert.ok(a.steps.every((s) => s.predicted === null));
    assert.equal(a.paths[0].predictedUs, null);
    assert.ok(a.notes.some((n) => /tracebench micro/.test(n)));
  });

  it('predicts each layer from operations per request × ns per operation, and names the tasks', () => {
    const a = attribute(layeredResults({ micro: microFixture() }))!;
    const ns = TYPICAL_NS;
    const expectUs = (id: string, us: number) =>
      assert.ok(Math.abs(step(a, id).predicted!.us - us) < 1e-9, `${id}: ${step(a, id).predicted!.us} vs ${us}`);
    expectUs('layer-1-api-noop', 0);
    expectUs(
      'layer-2-sdk-always-off',
      (SPANS_PER_REQUEST * ns['sampler/always-off'] + ns['propagation/w3c-baggage-extract']) / 1000,
    );
    expectUs('layer-3-context-manager', (SPANS_PER_REQUEST * ns['span/context-with']) / 1000);
    expectUs('layer-4-recorded', (SPANS_PER_REQUEST * ns['span/bare']) / 1000);
    expectUs(
      'layer-5-batch-otlp',
      (SPANS_PER_REQUEST * (ns['processor/batch-on-end'] + ns['serialize/otlp-protobuf'])) / 1000,
    );
    expectUs(
      'layer-5-batch-zipkin',
      (SPANS_PER_REQUEST * (ns['processor/batch-on-end'] + ns['serialize/zipkin-json'])) / 1000,
    );
    expectUs(
      'layer-6-simple-otlp',
      (SPANS_PER_REQUEST * (ns['processor/simple-on-end'] + ns['serialize/otlp-protobuf'])) / 1000,
    );
    assert.deepEqual(
      step(a, 'layer-2-sdk-always-off').predicted!.terms.map((t) => [t.task, t.opsPerRequest]),
      [
        ['sampler/always-off', SPANS_PER_REQUEST],
        ['propagation/w3c-baggage-extract', 1],
      ],
    );
    assert.ok(step(a, 'layer-1-api-noop').predicted!.unmodelled.some((u) => /no-op/.test(u)));
    assert.ok(step(a, 'layer-4-recorded').predicted!.unmodelled.some((u) => /attributes and events per span/.test(u)));
    assert.deepEqual(a.microTasks.sort(), [
      'processor/batch-on-end',
      'processor/simple-on-end',
      'propagation/w3c-baggage-extract',
      'sampler/always-off',
      'serialize/otlp-protobuf',
      'serialize/zipkin-json',
      'span/bare',
      'span/context-with',
    ]);
  });

  it('states the unexplained remainder: measured total minus the prediction, with the total’s interval', () => {
    const a = attribute(layeredResults({ micro: microFixture() }))!;
    const [main] = a.paths;
    const predicted = [
      'layer-1-api-noop',
      'layer-2-sdk-always-off',
      'layer-3-context-manager',
      'layer-4-recorded',
      'layer-6-simple-otlp',
    ].reduce((sum, id) => sum + step(a, id).predicted!.us, 0);
    assert.ok(Math.abs(main.predictedUs! - predicted) < 1e-9);
    assert.ok(Math.abs(main.unexplained!.estimate - (main.measured!.estimate - predicted)) < 1e-9);
    assert.ok(
      Math.abs(main.unexplained!.high - main.unexplained!.low - (main.measured!.ci.high - main.measured!.ci.low)) <
        1e-9,
    );
    assert.ok(main.unexplained!.estimate > 50, 'the fixture plants far more than the micro tasks explain');
  });

  it('an export layer measured against another export subtracts what it replaces', () => {
    const layers = LAYERS.filter((l) => l.id !== 'layer-5-batch-zipkin');
    const a = attribute(layeredResults({ layers, micro: microFixture() }))!;
    const simple = step(a, 'layer-6-simple-otlp');
    assert.equal(simple.previousCellId, 'layer-5-batch-otlp');
    assert.ok(Math.abs(simple.increment!.estimate - (90 - 40)) < 1.5, String(simple.increment!.estimate));
    const ns = TYPICAL_NS;
    assert.ok(
      Math.abs(
        simple.predicted!.us -
          (SPANS_PER_REQUEST * (ns['processor/simple-on-end'] - ns['processor/batch-on-end'])) / 1000,
      ) < 1e-9,
    );
    assert.ok(simple.predicted!.terms.some((t) => t.us < 0 && /^replaced: /.test(t.what)));
  });

  it('simple export as an alternative at the batch layers’ index (as configs/attribution.yaml plans it) is measured against recorded, with simple-processor terms', () => {
    const layers = LAYERS.map((l) => (l.id === 'layer-6-simple-otlp' ? { ...l, index: 5 } : l));
    const a = attribute(layeredResults({ layers, micro: microFixture() }))!;
    const simple = step(a, 'layer-6-simple-otlp');
    assert.equal(simple.previousCellId, 'layer-4-recorded');
    assert.deepEqual(
      simple.predicted!.terms.map((t) => t.task),
      ['processor/simple-on-end', 'serialize/otlp-protobuf'],
    );
    assert.equal(a.paths.length, 3);
  });

  it('a task missing from the micro results is named, and its layer predicts only what was measured', () => {
    const micro = microFixture({ tasks: { 'sampler/always-off': 12.8 } });
    const a = attribute(layeredResults({ micro }))!;
    const s = step(a, 'layer-2-sdk-always-off');
    assert.ok(Math.abs(s.predicted!.us - (SPANS_PER_REQUEST * 12.8) / 1000) < 1e-9);
    assert.ok(
      s.predicted!.unmodelled.some((u) => /propagation\/w3c-baggage-extract is not in the micro results/.test(u)),
    );
  });
});
