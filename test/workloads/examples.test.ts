import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SamplingDecision,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import ErrorAndSlowSampler from '../../workloads/examples/error-and-slow-sampler.js';
import PiiFilterProcessor, { REDACTED } from '../../workloads/examples/pii-filter-processor.js';

describe('shipped example modules', () => {
  it('the PII filter redacts personal keys and e-mail-like values before the next processor exports them', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [
        new PiiFilterProcessor({ next: new SimpleSpanProcessor(exporter), arg: { keys: ['customer.ref'] } }),
      ],
    });
    const span = provider.getTracer('t').startSpan('GET /api/users/:id', {
      attributes: {
        'enduser.id': 'user-42',
        'db.query.text': 'SELECT id FROM users',
        note: 'mail ada@example.com',
        'customer.ref': 'c-9',
        'http.route': '/api/users/:id',
      },
    });
    span.addEvent('login', { email: 'ada@example.com', ok: true });
    span.end();
    await provider.forceFlush();
    const [out] = exporter.getFinishedSpans();
    assert.equal(out.attributes['enduser.id'], REDACTED);
    assert.equal(out.attributes.note, REDACTED);
    assert.equal(out.attributes['customer.ref'], REDACTED);
    assert.equal(out.attributes['db.query.text'], 'SELECT id FROM users');
    assert.equal(out.attributes['http.route'], '/api/users/:id');
    assert.deepEqual(out.events[0].attributes, { email: REDACTED, ok: true });
  });

  it('the error-and-slow sampler keeps risky roots always and the rest at its ratio', () => {
    const sampler = new ErrorAndSlowSampler({ ratio: 0, routes: ['/api/slow'] });
    const decide = (attributes: Record<string, string>) =>
      sampler.shouldSample(ROOT_CONTEXT, '0af7651916cd43dd8448eb211c80319c', 'x', SpanKind.SERVER, attributes, [])
        .decision;
    assert.equal(decide({ 'http.request.method': 'POST' }), SamplingDecision.RECORD_AND_SAMPLED);
    assert.equal(
      decide({ 'http.request.method': 'GET', 'http.route': '/api/slow' }),
      SamplingDecision.RECORD_AND_SAMPLED,
    );
    assert.equal(decide({ 'http.request.method': 'GET', 'http.route': '/api/fast' }), SamplingDecision.NOT_RECORD);
    assert.throws(() => new ErrorAndSlowSampler(2), /arg must be a ratio in \[0, 1\]/);
  });
});
