import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toBencher, toGab } from '../../harness/report/export.js';
import { syntheticResults } from '../stats/synthetic.js';
import { formatErrors } from '../helpers/formats.js';

const results = syntheticResults({
  rounds: 5,
  cells: [{ id: 'baseline' }, { id: 'always_on~batch~otlp-http-protobuf', cpuUsPerRequest: 480 }],
});

describe('exports for benchmark-history tools', () => {
  it('Bencher Metric Format: valid against the BMF schema, one benchmark per cell with medians and CIs', () => {
    const bmf = toBencher(results);
    assert.deepEqual(formatErrors('bencher-bmf.schema.json', bmf), []);
    const traced = bmf['always_on~batch~otlp-http-protobuf'];
    assert.ok(traced['cpu-us-per-request'].value > 400);
    assert.ok(traced['cpu-us-per-request'].lower_value! <= traced['cpu-us-per-request'].value);
    assert.ok(traced['cpu-overhead-percent'].value > 10 && traced['cpu-overhead-percent'].value < 30);
    assert.equal(bmf.baseline['cpu-overhead-percent'], undefined);
  });

  it('github-action-benchmark customSmallerIsBetter: valid against its documented shape', () => {
    const gab = toGab(results);
    assert.deepEqual(formatErrors('gab-custom.schema.json', gab), []);
    const cpu = gab.find((e) => e.name === 'always_on~batch~otlp-http-protobuf - CPU µs/request')!;
    assert.equal(cpu.unit, 'µs');
    assert.match(cpu.range!, /^± \d/);
    assert.match(cpu.extra!, /median of 5 rounds\noverhead over baseline/);
  });

  it('the schemas catch a wrong shape (a value as a string, a missing unit)', () => {
    assert.notDeepEqual(formatErrors('bencher-bmf.schema.json', { b: { latency: { value: '88' } } }), []);
    assert.notDeepEqual(formatErrors('gab-custom.schema.json', [{ name: 'x', value: 1 }]), []);
  });

  it('a metric no round measured is left out, never exported as 0', () => {
    const failed = syntheticResults({ rounds: 3, cells: [{ id: 'baseline' }, { id: 'x', failedRounds: [0, 1, 2] }] });
    assert.equal(toBencher(failed).x, undefined);
    assert.ok(toGab(failed).every((e) => !e.name.startsWith('x ')));
  });
});
