import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { importTraces } from '../../harness/import/import.js';
import { fixture, importFixture } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: walks arbitrary OTLP JSON by the keys the test names
type Json = Record<string, any>;

describe('import: deterministic output', () => {
  it('the same input gives byte-identical YAML', () => {
    for (const [file, format] of [
      ['otlp-basic.json', 'otlp-json'],
      ['jaeger-basic.json', 'jaeger'],
      ['zipkin-basic.json', 'zipkin'],
    ] as const)
      assert.equal(importFixture(file, format).yaml, importFixture(file, format).yaml, file);
  });

  it('the order of spans in the file does not change the YAML', () => {
    const original = JSON.parse(readFileSync(fixture('otlp-basic.json'), 'utf8')) as Json;
    // One resource per span, in reverse order: traces, spans and services all arrive in another order.
    const reversed = {
      resourceSpans: original.resourceSpans
        .flatMap((rs: Json) =>
          rs.scopeSpans[0].spans.map((span: Json) => ({ resource: rs.resource, scopeSpans: [{ spans: [span] }] })),
        )
        .reverse(),
    };
    const a = importTraces(JSON.stringify(original), { format: 'otlp-json' }, 'same.json');
    const b = importTraces(JSON.stringify(reversed), { format: 'otlp-json' }, 'same.json');
    assert.equal(b.yaml, a.yaml);
  });

  it('JSON Lines (one export request a line, traces split across lines) import like one document', () => {
    const lines = importFixture('otlp-lines.json', 'otlp-json', { name: 'n' });
    const single = importFixture('otlp-basic.json', 'otlp-json', { name: 'n' });
    assert.equal(readFileSync(fixture('otlp-lines.json'), 'utf8').trim().split('\n').length, 3);
    assert.deepEqual(lines.shape.services, single.shape.services);
    assert.deepEqual(lines.stats, single.stats);
  });
});
