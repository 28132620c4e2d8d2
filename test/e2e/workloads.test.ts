import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { WINDOW_ID_PREFIX } from '../../harness/run/trial.js';
import { trialRig } from '../helpers/trial.js';
import type { ReceivedSpan } from '../../harness/sink/types.js';
import { liveChildren } from '../../harness/target/launch.js';
import { parseDocuments } from '../../harness/import/parse.js';
import { fromReceivedSpans, traceProfile } from '../../harness/import/profile.js';
import { parseExportText, readExportText } from '../../harness/import/read-export.js';
import { canonicalTree, expectedTree, type TreeNode } from '../../workloads/shape/expected-tree.js';
import { workloadsDir } from '../../workloads/shape/load.js';
import { TRUTH_ATTRIBUTES, type SpanKindName } from '../../workloads/shape/types.js';

const SHOP_EXPORT = fileURLToPath(new URL('../../../test/data/traces/shop-otlp.json', import.meta.url));

const KIND_NAMES: Record<number, SpanKindName> = {
  1: 'INTERNAL',
  2: 'SERVER',
  3: 'CLIENT',
  4: 'PRODUCER',
  5: 'CONSUMER',
};

/** The received trace under `root` as a tree, children from parent links. */
function receivedTree(spans: ReceivedSpan[], root: ReceivedSpan): TreeNode {
  const children = new Map<string, ReceivedSpan[]>();
  for (const s of spans)
    if (s.traceId === root.traceId) children.set(s.parentSpanId, [...(children.get(s.parentSpanId) ?? []), s]);
  const build = (span: ReceivedSpan): TreeNode => ({
    name: span.name,
    kind: KIND_NAMES[span.kind] ?? 'INTERNAL',
    service: span.serviceName,
    children: (children.get(span.spanId) ?? []).map(build),
  });
  return build(root);
}

describe('trace-driven workloads, run for real', { timeout: 240_000 }, () => {
  const run = trialRig();

  const trial = (workload: string, service?: string) => run({ workload, ...(service ? { service } : {}) });

  const shipped = readdirSync(workloadsDir())
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''));

  it('ships user-api, checkout-chain, queue-pipeline and an imported workload', () => {
    for (const name of ['user-api', 'checkout-chain', 'queue-pipeline'])
      assert.ok(shipped.includes(name), `workloads/${name}.yaml`);
    assert.ok(
      shipped.some((n) => n.startsWith('imported-')),
      'an imported-*.yaml workload made by tracebench import',
    );
  });

  for (const name of shipped) {
    it(`${name}: one trace of each entry route arrives with the shape's names, kinds, services and parent links`, async () => {
      const { metrics, spans, shape } = await trial(name);
      const entry = shape.services[0];
      for (const route of entry.routes) {
        // A request drawn to fail or be slow changes its tree (a failure stops early); pick a plain one of the window.
        const root = spans.find(
          (s) =>
            s.parentSpanId === '' &&
            s.attributes[TRUTH_ATTRIBUTES.route] === route.name &&
            s.attributes[TRUTH_ATTRIBUTES.error] === false &&
            String(s.attributes[TRUTH_ATTRIBUTES.requestId]).startsWith(WINDOW_ID_PREFIX),
        );
        assert.ok(root, `${name}/${route.name}: no root span of a plain request reached the sink`);
        assert.equal(
          canonicalTree(receivedTree(spans, root)),
          canonicalTree(expectedTree(shape, entry.name, route.name)),
          `${name}/${route.name}`,
        );
      }
      // Every service process is measured on its own, and their shares add up to the total.
      assert.deepEqual(Object.keys(metrics.services!).sort(), shape.services.map((s) => s.name).sort());
      const sum = Object.values(metrics.services!).reduce((t, s) => t + s.cpuUsPerRequest, 0);
      assert.ok(
        Math.abs(sum - metrics.cpuUsPerRequest) < 1e-6 * metrics.cpuUsPerRequest,
        `${sum} vs ${metrics.cpuUsPerRequest}`,
      );
      for (const [service, m] of Object.entries(metrics.services!)) assert.ok(m.cpuUs > 0, `${service} used CPU`);
      assert.equal(metrics.traces!.broken, 0, JSON.stringify(metrics.traces));
      assert.equal(metrics.traces!.requestsSplit, 0);
    });
  }

  it('queue-pipeline: a batch CONSUMER span links to the PRODUCER span of each message in it', async () => {
    const { spans } = await trial('queue-pipeline');
    const batches = spans.filter((s) => s.name === 'orders process');
    const sizes = batches.map((s) => Number(s.attributes['messaging.batch.message_count']));
    assert.ok(
      sizes.some((n) => n > 1),
      `batches of more than one message: ${sizes.slice(0, 10).join(', ')}`,
    );
    const producers = new Set(spans.filter((s) => s.name === 'orders publish').map((s) => `${s.traceId}/${s.spanId}`));
    for (const batch of batches.filter((s) => Number(s.attributes['messaging.batch.message_count']) > 1)) {
      assert.equal(batch.parentSpanId, '', 'a batch starts its own trace');
      assert.equal(batch.links?.length, Number(batch.attributes['messaging.batch.message_count']));
      for (const link of batch.links!)
        assert.ok(producers.has(`${link.traceId}/${link.spanId}`), 'each link names a producer span that arrived');
    }
  });

  it('checkout-chain across six services: 0 broken traces on one propagator; a service on another propagator splits traces', async () => {
    const same = await trial('checkout-chain');
    assert.ok(same.metrics.traces!.requestsSeen > 100, JSON.stringify(same.metrics.traces));
    assert.equal(same.metrics.traces!.requestsSplit, 0);
    assert.equal(same.metrics.traces!.broken, 0);
    const mismatch = await trial('checkout-chain', 'perService: { inventory: { propagator: b3 } }');
    assert.ok(mismatch.metrics.traces!.requestsSplit > 0, JSON.stringify(mismatch.metrics.traces));
    // inventory's spans start new traces: the gateway's context never reaches it.
    const inventoryRoots = mismatch.spans.filter((s) => s.serviceName === 'inventory' && s.parentSpanId === '');
    assert.ok(inventoryRoots.length > 0);
  });

  it("imported-shop, run, reproduces its source export: spans per trace within 5%, each root operation's share within 5 points", async () => {
    const source = traceProfile(
      parseDocuments(
        parseExportText(readExportText(SHOP_EXPORT, 'shop', 256 * 1024 * 1024), 'shop'),
        'otlp-json',
        'shop',
      ).spans,
    );
    const { spans } = await trial('imported-shop');
    const produced = traceProfile(fromReceivedSpans(spans));
    assert.ok(produced.traces > 200, `traces: ${produced.traces}`);
    assert.ok(
      Math.abs(produced.spansPerTrace / source.spansPerTrace - 1) <= 0.05,
      `spans per trace: run ${produced.spansPerTrace.toFixed(2)}, source ${source.spansPerTrace.toFixed(2)}`,
    );
    assert.deepEqual(Object.keys(produced.rootMix).sort(), Object.keys(source.rootMix).sort());
    // Shares are proportions of a few hundred requests: 5 points is about two standard errors of the smallest one.
    for (const [operation, share] of Object.entries(source.rootMix))
      assert.ok(
        Math.abs(produced.rootMix[operation] - share) <= 0.05,
        `${operation}: run ${produced.rootMix[operation].toFixed(3)}, source ${share.toFixed(3)}`,
      );
  });

  it('leaves no service process behind', () => {
    assert.equal(liveChildren(), 0);
  });
});
