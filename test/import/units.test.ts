import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineColumnOf, syntaxErrorOffset } from '../../harness/import/json-syntax.js';
import { methodFor, routePathFor, serviceNameFor, slug } from '../../harness/import/naming.js';
import { fromReceivedSpans, traceProfile } from '../../harness/import/profile.js';
import { ServiceGraph } from '../../harness/import/service-graph.js';
import { concurrentRuns, durationOf, selfTimeUs, splitSelfTime } from '../../harness/import/timing.js';
import { toWorkloadYaml } from '../../harness/import/write-yaml.js';
import type { ReceivedSpan } from '../../harness/sink/types.js';

describe('import timing', () => {
  it('self time is the duration not covered by children, clamped into the parent and never negative', () => {
    const parent = { startUs: 0, endUs: 1000 };
    assert.equal(
      selfTimeUs(parent, [
        { startUs: 100, endUs: 400 },
        { startUs: 300, endUs: 600 },
      ]),
      500,
      'overlapping children count once',
    );
    assert.equal(
      selfTimeUs(parent, [
        { startUs: -500, endUs: 200 },
        { startUs: 900, endUs: 2000 },
      ]),
      700,
      'skewed and async children are clamped',
    );
    assert.equal(selfTimeUs(parent, [{ startUs: -10, endUs: 5000 }]), 0);
  });

  it('splits self time: CLIENT/PRODUCER all wait, others CPU up to the cap', () => {
    assert.deepEqual(splitSelfTime('CLIENT', 300, 200), { cpuUs: 0, waitUs: 300 });
    assert.deepEqual(splitSelfTime('PRODUCER', 300, 200), { cpuUs: 0, waitUs: 300 });
    assert.deepEqual(splitSelfTime('SERVER', 300, 200), { cpuUs: 200, waitUs: 100 });
    assert.deepEqual(splitSelfTime('INTERNAL', 150, 200), { cpuUs: 150, waitUs: 0 });
  });

  it('a distribution is a number when p50 and p99 agree, else {p50, p99}; a zero median with a tail becomes 1 µs', () => {
    const clamped = { count: 0 };
    assert.equal(durationOf([120, 120.4, 119.6], clamped), 120);
    assert.deepEqual(durationOf([100, 110, 120, 400], clamped), { p50: 110, p99: 400 });
    assert.deepEqual(durationOf([0, 0, 0, 50], clamped), { p50: 1, p99: 50 });
    assert.equal(durationOf([0, 0, 1], clamped), 1);
    assert.equal(clamped.count, 0);
    assert.equal(durationOf([20_000_000], clamped), 10_000_000);
    assert.equal(clamped.count, 2, 'p50 and p99 both clamped to 10 s');
  });

  it('groups siblings into runs that overlapped', () => {
    const runs = concurrentRuns([
      { startUs: 0, endUs: 100 },
      { startUs: 50, endUs: 150 },
      { startUs: 150, endUs: 200 },
    ]);
    assert.deepEqual(
      runs.map((r) => r.length),
      [2, 1],
    );
  });
});

describe('import JSON syntax errors', () => {
  it('finds the offset of the first error, which V8 does not always report', () => {
    assert.equal(syntaxErrorOffset('{"a": 1}'), -1);
    assert.equal(syntaxErrorOffset('{"a": tru}'), 6);
    assert.equal(syntaxErrorOffset('{"a": 1,\n "b" 2}'), 14);
    assert.equal(syntaxErrorOffset('[1, 2,]'), 6);
    assert.equal(syntaxErrorOffset('{"a": "\\x"}'), 8, 'the character after the backslash');
    assert.equal(syntaxErrorOffset('{"a": [1, 2'), 11);
    assert.equal(syntaxErrorOffset('{} {}'), 3);
    assert.deepEqual(lineColumnOf('{"a": 1,\n "b" 2}', 14), { line: 2, column: 6 });
  });
});

describe('import naming', () => {
  it('makes names, paths and methods the workload schema accepts', () => {
    assert.equal(slug('GET /api/users/{id}'), 'get-api-users-id');
    assert.equal(slug('***'), 'op');
    assert.equal(serviceNameFor('@acme/web api'), 'acme-web-api');
    assert.equal(serviceNameFor('9lives'), 'service-9lives');
    assert.equal(serviceNameFor('svc b'), 'svc-b');
    assert.equal(routePathFor('/users/{id}/posts/<post>'), '/users/:id/posts/:post');
    assert.equal(routePathFor('http://host:8080/a b'), '/a-b');
    assert.equal(routePathFor('users'), '/users');
    assert.deepEqual(['GET', 'HEAD', 'PUT', 'DELETE', undefined].map(methodFor), ['GET', 'GET', 'POST', 'POST', 'GET']);
  });
});

describe('import service graph', () => {
  it('refuses an edge that closes a cycle, and self-edges', () => {
    const graph = new ServiceGraph();
    assert.equal(graph.allow('a', 'b'), true);
    assert.equal(graph.allow('b', 'c'), true);
    assert.equal(graph.allow('c', 'a'), false);
    assert.equal(graph.allow('a', 'a'), false);
    assert.equal(graph.allow('a', 'c'), true);
  });
});

describe('import schema check', () => {
  it('a shape the schema refuses is an internal error, not an input error', () => {
    const root = {
      name: 'r',
      kind: 'CLIENT' as const,
      attributes: {},
      events: [],
      links: 0,
      cpuUs: 0,
      waitUs: 0,
      children: [],
      parallel: false,
      call: { service: 'nowhere', route: 'x' },
    };
    assert.throws(
      () =>
        toWorkloadYaml(
          {
            name: 'w',
            description: '',
            services: [
              { name: 's', consumers: [], routes: [{ name: 'r', method: 'GET', path: '/', weight: 1, root }] },
            ],
          },
          [],
        ),
      (error: Error) =>
        error.constructor === Error &&
        /a bug in tracebench import/.test(error.message) &&
        /no service named 'nowhere'/.test(error.message),
    );
  });
});

describe("traceProfile over the sink's spans", () => {
  it('adapts ReceivedSpan and counts traces, spans per trace and the root mix', () => {
    const span = (
      traceId: string,
      spanId: string,
      parentSpanId: string,
      name: string,
      startUs: number,
    ): ReceivedSpan => ({
      traceId,
      spanId,
      parentSpanId,
      name,
      kind: parentSpanId ? 1 : 2,
      serviceName: 'web',
      statusCode: name === 'fail' ? 2 : 0,
      startTimeUnixNano: BigInt(startUs) * 1000n + 500n,
      endTimeUnixNano: BigInt(startUs + 100) * 1000n,
      attributes: { 'http.route': '/x', 'http.request.method': 'get' },
    });
    const spans = fromReceivedSpans([
      span('t1', 'a', '', 'GET /x', 0),
      span('t1', 'b', 'a', 'fail', 10),
      span('t2', 'c', '', 'GET /y', 50),
      span('t3', 'd', '', 'GET /x', 90),
    ]);
    assert.deepEqual(
      [spans[0].kind, spans[1].kind, spans[1].error, spans[0].startUs, spans[0].httpRoute, spans[0].httpMethod],
      ['SERVER', 'INTERNAL', true, 0.5, '/x', 'GET'],
    );
    assert.deepEqual(traceProfile(spans), {
      traces: 3,
      spansPerTrace: 4 / 3,
      rootMix: { 'web: GET /x': 2 / 3, 'web: GET /y': 1 / 3 },
    });
  });
});
