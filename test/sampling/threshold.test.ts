import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTraceState } from '@opentelemetry/api';
import { randomnessHex, readOt, thresholdHex14 } from '../../workloads/service/samplers/ot-trace-state.js';
import {
  parseThreshold,
  probabilityToThresholdHex,
  thresholdToProbability,
} from '../../workloads/service/samplers/threshold.js';

// specification/trace/tracestate-probability-sampling.md, Algorithms: the table of 1-in-N probabilities with the
// threshold at precision 3, 4 and 5.
const SPEC_TABLE: [probability: number, p3: string, p4: string, p5: string][] = [
  [1, '0', '0', '0'],
  [0.5, '8', '8', '8'],
  [1 / 3, 'aab', 'aaab', 'aaaab'],
  [0.25, 'c', 'c', 'c'],
  [0.2, 'ccd', 'cccd', 'ccccd'],
  [0.125, 'e', 'e', 'e'],
  [0.1, 'e66', 'e666', 'e6666'],
  [0.0625, 'f', 'f', 'f'],
  [0.01, 'fd71', 'fd70a', 'fd70a4'],
  [0.001, 'ffbe7', 'ffbe77', 'ffbe76d'],
  [0.0001, 'fff972', 'fff9724', 'fff97247'],
  [0.00001, 'ffff584', 'ffff583a', 'ffff583a5'],
  [0.000001, 'ffffef4', 'ffffef39', 'ffffef391'],
];

for (const [probability, p3, p4, p5] of SPEC_TABLE) {
  test(`probability ${probability} gives the spec's thresholds ${p3} / ${p4} / ${p5}`, () => {
    assert.equal(probabilityToThresholdHex(probability, 3), p3);
    assert.equal(probabilityToThresholdHex(probability, 4), p4);
    assert.equal(probabilityToThresholdHex(probability, 5), p5);
  });
}

test('the default precision is the recommended 4 digits', () => {
  assert.equal(probabilityToThresholdHex(0.1), 'e666');
  assert.equal(probabilityToThresholdHex(1 / 3), 'aaab');
});

test('the spec example: 1% at 5 digits is fd70a4, i.e. 0xfd70a400000000', () => {
  assert.equal(parseThreshold(probabilityToThresholdHex(0.01, 5)), 0xfd70a400000000n);
});

test('a probability within half a digit of 1 rounds to th 0 rather than an empty value', () => {
  assert.equal(probabilityToThresholdHex(0.9999999), '0');
  assert.equal(probabilityToThresholdHex(0.99999), '0001');
});

test('probabilities outside [2^-56, 1] are refused', () => {
  assert.throws(() => probabilityToThresholdHex(0), RangeError);
  assert.throws(() => probabilityToThresholdHex(1.5), RangeError);
  assert.throws(() => probabilityToThresholdHex(Number.NaN), RangeError);
  assert.equal(probabilityToThresholdHex(2 ** -56, 4).length > 0, true);
});

test('th values are extended with trailing zeros to 14 digits', () => {
  assert.equal(parseThreshold('8'), 0x80000000000000n);
  assert.equal(parseThreshold('fd70a4'), 0xfd70a400000000n);
  assert.equal(parseThreshold('0'), 0n);
  assert.equal(parseThreshold(''), undefined);
  assert.equal(parseThreshold('123456789abcdef'), undefined, '15 digits is too many');
  assert.equal(parseThreshold('xyz'), undefined);
  assert.equal(thresholdHex14('8'), '80000000000000');
  assert.equal(thresholdHex14('FD70A4'), 'fd70a400000000');
  assert.equal(thresholdHex14('123456789abcdef'), undefined);
});

test('thresholds convert back to their probability', () => {
  assert.equal(thresholdToProbability(parseThreshold('8')!), 0.5);
  assert.equal(thresholdToProbability(parseThreshold('c')!), 0.25);
  assert.equal(thresholdToProbability(0n), 1);
  // The spec table's "actual probability" for 1/3 at precision 4.
  assert.equal(thresholdToProbability(parseThreshold('aaab')!), 0.3333282470703125);
});

test('rv is exactly 14 lower-case hex digits and wins over the trace id, whose last 14 digits are the fallback', () => {
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const rv = (value: string) => readOt(createTraceState(`ot=rv:${value}`));
  assert.equal(randomnessHex(traceId, rv('6e6d1a75832a2f')), '6e6d1a75832a2f');
  assert.equal(randomnessHex(traceId, rv('6E6D1A75832A2F')), '48eb211c80319c', 'upper case is not an rv');
  assert.equal(randomnessHex(traceId, rv('6e6d1a75832a2')), '48eb211c80319c', 'too short');
  assert.equal(randomnessHex(traceId, readOt(undefined)), '48eb211c80319c');
  assert.equal(
    randomnessHex('00000000000000000000000000000000', readOt(undefined)),
    undefined,
    'the invalid all-zero id',
  );
  assert.equal(randomnessHex('abc', readOt(undefined)), undefined);
});

test('TraceState Handling example: rv 6e6d1a75832a2f is kept for thresholds from 0x6e6d1a75832a2f down to 0', () => {
  // Equal-length lower-case hex compares like the numbers, as the spec intends.
  const rv = '6e6d1a75832a2f';
  assert.equal(rv >= thresholdHex14('6e6d1a75832a2f')!, true);
  assert.equal(rv >= thresholdHex14('0')!, true);
  assert.equal(rv >= thresholdHex14('6e6d1a75832a30')!, false);
  assert.equal(rv >= thresholdHex14('8')!, false);
});
