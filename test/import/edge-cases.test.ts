import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { InputError } from '../../harness/import/errors.js';
import { importTraces } from '../../harness/import/import.js';
import { parseJaeger } from '../../harness/import/parse-jaeger.js';
import { parseExportText } from '../../harness/import/read-export.js';
import { workloadSchema } from '../../workloads/shape/schema.js';
import { parse as parseYaml } from 'yaml';
import { fixture, importFixture, outline, route, service } from './helpers.js';

/** A one-trace OTLP span, µs times, for cases too small to deserve a file. */
const span = (id: number, parent: number, name: string, kind: number, start: number, end: number) => ({
  traceId: `${'0'.repeat(31)}1`,
  spanId: id.toString(16).padStart(16, '0'),
  ...(parent ? { parentSpanId: parent.toString(16).padStart(16, '0') } : {}),
  name,
  kind,
  startTimeUnixNano: String(start * 1000),
  endTimeUnixNano: String(end * 1000),
});
const resource = (service: string, spans: object[]) => ({
  resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
  scopeSpans: [{ spans }],
});

function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    assert.equal(error.exitCode, 2);
    return error;
  }
  assert.fail('expected an InputError');
}

describe('import: bad input', () => {
  it('malformed JSON names the file, line and column', () => {
    const error = inputError(() => importFixture('malformed.json', 'otlp-json'));
    assert.deepEqual(error.where, { line: 5, column: 22 });
    assert.match(error.message, /^malformed\.json:5:22: malformed JSON: unexpected '\}'/);
  });

  it('a malformed line of a JSON Lines export is named by its own line', () => {
    const error = inputError(() => importFixture('malformed-lines.json', 'otlp-json'));
    assert.match(error.message, /^malformed-lines\.json:3:18: malformed JSON/);
  });

  it('a truncated file says so, at its last position', () => {
    const error = inputError(() =>
      importTraces('{"resourceSpans": [{"scopeSpans": [', { format: 'otlp-json' }, 'cut.json'),
    );
    assert.match(error.message, /^cut\.json:1:36: malformed JSON: unexpected end of input/);
  });

  it('a Jaeger file given as zipkin says what was expected and what it looks like', () => {
    const error = inputError(() => importFixture('jaeger-basic.json', 'zipkin'));
    assert.match(error.message, /does not look like --format zipkin: expected a Zipkin v2 JSON array of spans/);
    assert.match(error.message, /it looks like jaeger \(try --format jaeger\)/);
  });

  it('a Zipkin file given as otlp-json and an OTLP file given as jaeger are refused the same way', () => {
    assert.match(
      inputError(() => importFixture('zipkin-basic.json', 'otlp-json')).message,
      /expected an OTLP\/JSON ExportTraceServiceRequest.*try --format zipkin/,
    );
    assert.match(
      inputError(() => importFixture('otlp-basic.json', 'jaeger')).message,
      /expected a Jaeger JSON export.*try --format otlp-json/,
    );
  });

  it('an export with no spans is an error, in every format', () => {
    assert.match(
      inputError(() => importFixture('empty.json', 'otlp-json')).message,
      /^empty\.json: the export holds no spans/,
    );
    assert.match(inputError(() => importFixture('empty-zipkin.json', 'zipkin')).message, /the export holds no spans/);
    assert.match(
      inputError(() => importTraces('{"data": []}', { format: 'jaeger' }, 'j.json')).message,
      /the export holds no spans/,
    );
    assert.match(
      inputError(() => importTraces('  \n', { format: 'zipkin' }, 'blank.json')).message,
      /the file is empty/,
    );
  });

  it('spans without ids or times are skipped; if that is all of them, the error asks about the format', () => {
    const text = JSON.stringify([{ traceId: 'a1', id: 'b1', name: 'x' }]);
    assert.match(
      inputError(() => importTraces(text, { format: 'zipkin' }, 'z.json')).message,
      /none of its 1 spans has a trace id, a span id and a start time/,
    );
  });

  it('refuses a file above the size limit before reading it', () => {
    const error = inputError(() => importFixture('otlp-basic.json', 'otlp-json', { maxFileBytes: 1024 }));
    assert.match(error.message, /^otlp-basic\.json: \d+ bytes is above the import limit of 1024 bytes/);
  });

  it('a missing file is an input error naming it', () => {
    assert.match(
      inputError(() => importFixture('no-such-file.json', 'zipkin')).message,
      /^no-such-file\.json: cannot read the export \(ENOENT\)/,
    );
  });
});

describe('import: repairs', () => {
  it('re-attaches an orphan subtree under the innermost span enclosing it, and roots a rootless trace at its earliest span', () => {
    const { shape, stats, summary } = importFixture('orphans.json', 'otlp-json');
    assert.equal(stats.orphanSpans, 1);
    assert.equal(stats.rootlessTraces, 1);
    assert.equal(stats.spans, 6);
    const [withOrphan, rootless] = service(shape, 'shop').routes;
    assert.equal(outline(withOrphan.root), 'GET /orders(load.orders(SELECT orders(pool.acquire)))');
    assert.equal(outline(rootless.root), 'GET /orders(load.orders)');
    assert.match(summary.join('\n'), /1 orphan re-attached, 1 rootless trace/);
  });

  it('de-duplicates spans exported twice and counts them', () => {
    const { shape, stats, summary } = importFixture('duplicates.json', 'otlp-json');
    assert.equal(stats.duplicateSpans, 2);
    assert.equal(stats.spans, 4);
    assert.equal(route(shape, 'cart', 'get-cart').weight, 2);
    assert.equal(outline(route(shape, 'cart', 'get-cart').root), 'GET /cart(cache.get)');
    assert.match(summary.join('\n'), /2 duplicate spans dropped/);
  });

  it('clamps clock skew (a callee starting before its caller, a span ending before it starts) and counts it', () => {
    const { shape, stats } = importFixture('skew.json', 'otlp-json');
    assert.equal(stats.skewCorrections, 2);
    // The client waited 800 µs; only the 400 µs of the server inside that window count as the server's.
    assert.equal(route(shape, 'quotes', 'get-quote').root.children[0].waitUs, 400);
    const compute = route(shape, 'pricing', 'get-price').root.children[0];
    assert.deepEqual([compute.name, compute.cpuUs, compute.waitUs], ['compute', 0, 0]);
  });

  it('keeps references into other traces as links (Jaeger), separate from the parent reference', () => {
    const [document] = parseExportText(readFileSync(fixture('jaeger-basic.json'), 'utf8'), 'j');
    const { spans } = parseJaeger([document], 'j');
    const root = spans.find((s) => s.name === 'POST /checkout' && s.links.length > 0)!;
    assert.equal(root.parentSpanId, '');
    assert.deepEqual(root.links, [{ traceId: '00000000000000ff', spanId: '00000000000000aa' }]);
    assert.equal(spans.find((s) => s.name === 'orders.create')!.parentSpanId, root.spanId);
  });

  it('mixed services: a root of another service becomes an entry route with a warning; a call back into the entry stays inline', () => {
    const { shape, stats, summary } = importFixture('mixed-services.json', 'otlp-json');
    assert.deepEqual(
      shape.services.map((s) => s.name),
      ['svc-a', 'svc-b'],
      "'svc b' is made a valid service name",
    );
    assert.deepEqual(stats.movedRootOperations, ['svc b: sync.job']);
    assert.equal(stats.inlinedCrossService, 1);
    assert.equal(outline(route(shape, 'svc-a', 'sync-job').root), 'sync.job(call a(GET /a/internal))');
    assert.equal(route(shape, 'svc-a', 'sync-job').root.children[0].call, undefined);
    assert.deepEqual(route(shape, 'svc-a', 'get-a').root.children[0].call, { service: 'svc-b', route: 'get-b' });
    assert.match(
      summary.join('\n'),
      /warning: root operations of services other than the entry became routes of the entry service.*svc b: sync\.job/,
    );
  });

  it('breaks a cycle of calls between services by keeping the rarer edge inline, so the schema accepts the shape', () => {
    // a → b → a in one request: the workload schema refuses services that call each other in a cycle.
    const text = JSON.stringify({
      resourceSpans: [
        resource('a', [span(1, 0, 'GET /a', 2, 0, 1000), span(2, 1, 'call b', 3, 100, 900)]),
        resource('b', [span(3, 2, 'GET /b', 2, 200, 800), span(4, 3, 'call a', 3, 250, 750)]),
        resource('a', [span(5, 4, 'GET /a/back', 2, 300, 700)]),
      ],
    });
    const { shape, yaml, stats } = importTraces(text, { format: 'otlp-json' }, 'cycle.json');
    assert.equal(workloadSchema.safeParse(parseYaml(yaml)).success, true);
    assert.equal(stats.inlinedCrossService, 1);
    assert.equal(outline(route(shape, 'b', 'get-b').root), 'GET /b(call a(GET /a/back))');
  });

  it('a CLIENT span with two remote SERVER children (a retry under one span) keeps the first call and counts the dropped spans', () => {
    const text = JSON.stringify({
      resourceSpans: [
        resource('a', [span(1, 0, 'GET /a', 2, 0, 1000), span(2, 1, 'call b', 3, 100, 900)]),
        resource('b', [
          span(3, 2, 'GET /b', 2, 150, 400),
          span(4, 2, 'GET /b', 2, 500, 850),
          span(5, 4, 'db', 3, 600, 800),
        ]),
      ],
    });
    const { shape, stats, summary } = importTraces(text, { format: 'otlp-json' }, 'retry.json');
    assert.equal(stats.droppedExtraRemoteSpans, 2);
    assert.deepEqual(route(shape, 'a', 'get-a').root.children[0].call, { service: 'b', route: 'get-b' });
    // 800 µs of client minus the 250 µs first call: the dropped retry's time is wait.
    assert.equal(route(shape, 'a', 'get-a').root.children[0].waitUs, 550);
    assert.match(summary.join('\n'), /warning: 2 spans dropped/);
  });
});
