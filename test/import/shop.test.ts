import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseOtlpJson } from '../../harness/import/parse-otlp.js';
import { traceProfile } from '../../harness/import/profile.js';
import { parseExportText } from '../../harness/import/read-export.js';
import { loadWorkload } from '../../workloads/shape/load.js';
import { PACKAGE_ROOT, tempDir } from '../helpers/cli.js';
import { writeShopExport, type ShopExpected } from '../data/traces/make-shop-export.js';
import { fixture, importFixture, outline, route, service } from './helpers.js';

const expected = JSON.parse(readFileSync(fixture('shop-otlp.expected.json'), 'utf8')) as ShopExpected;
const SHIPPED = join(PACKAGE_ROOT, 'workloads', 'imported-shop.yaml');

describe('the shop export (recorded by the OpenTelemetry SDK)', () => {
  it('is what make-shop-export writes today, byte for byte', () => {
    const dir = tempDir();
    writeShopExport(dir);
    assert.ok(
      readFileSync(join(dir, 'shop-otlp.json')).equals(readFileSync(fixture('shop-otlp.json'))),
      'regenerate: node .build-import/test/data/traces/make-shop-export.js',
    );
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'shop-otlp.expected.json'), 'utf8')), expected);
  });

  it('traceProfile finds the traces, spans per trace and root mix the generator emitted', () => {
    const text = readFileSync(fixture('shop-otlp.json'), 'utf8');
    const profile = traceProfile(parseOtlpJson(parseExportText(text, 'shop'), 'shop').spans);
    assert.equal(profile.traces, expected.traces);
    assert.equal(profile.spansPerTrace, expected.spans / expected.traces);
    assert.deepEqual(
      profile.rootMix,
      Object.fromEntries(
        Object.entries(expected.rootOperations)
          .map(([op, n]) => [op, n / expected.traces])
          .sort(),
      ),
    );
  });

  it('workloads/imported-shop.yaml is what importing the export gives today (they cannot drift)', () => {
    const { yaml } = importFixture('shop-otlp.json', 'otlp-json', { name: 'imported-shop' });
    assert.equal(
      readFileSync(SHIPPED, 'utf8'),
      yaml,
      'regenerate: tracebench import test/data/traces/shop-otlp.json --format otlp-json --name imported-shop --out workloads/imported-shop.yaml',
    );
    const loaded = loadWorkload(SHIPPED);
    assert.equal(loaded.ok, true, loaded.ok ? '' : loaded.issues.join('\n'));
  });

  it('one route per structure, weighted by the traces the generator emitted for it', () => {
    const { shape } = importFixture('shop-otlp.json', 'otlp-json');
    assert.deepEqual(
      shape.services.map((s) => s.name),
      ['frontend', 'catalog', 'checkout'],
    );
    assert.equal(route(shape, 'frontend', 'get-api-products').weight, expected.structures['GET /api/products']);
    assert.equal(route(shape, 'frontend', 'post-api-checkout').weight, expected.structures['POST /api/checkout']);
    const product = service(shape, 'frontend').routes.filter((r) => r.root.name === 'GET /api/products/:id');
    const callsCatalogRoute = (r: (typeof product)[number]) =>
      route(shape, 'catalog', r.root.children.find((c) => c.call?.service === 'catalog')!.call!.route);
    const miss = product.find((r) => outline(callsCatalogRoute(r).root).includes('SELECT products'))!;
    const hit = product.find((r) => r !== miss)!;
    assert.equal(hit.weight, expected.structures['GET /api/products/:id (cache hit)']);
    assert.equal(miss.weight, expected.structures['GET /api/products/:id (cache miss)']);
    assert.equal(outline(callsCatalogRoute(hit).root), 'GET /products/:id(GET)');
    assert.equal(outline(callsCatalogRoute(miss).root), 'GET /products/:id(GET, SELECT products)');
  });

  it('the fan-out is parallel, in a fixed order; errors and slow requests match what was emitted', () => {
    const { shape } = importFixture('shop-otlp.json', 'otlp-json');
    for (const r of service(shape, 'frontend').routes.filter((r) => r.root.name === 'GET /api/products/:id')) {
      assert.equal(r.root.parallel, true);
      assert.deepEqual(
        r.root.children.map((c) => c.call?.service ?? c.name),
        ['catalog', 'checkout', 'render'],
      );
    }
    const checkout = route(shape, 'frontend', 'post-api-checkout');
    assert.equal(
      checkout.error?.rate,
      Math.round((expected.paymentErrors / expected.structures['POST /api/checkout']) * 10_000) / 10_000,
    );
    assert.equal(checkout.error?.at, 'POST', 'the payment provider call, the deepest failing span');
    const list = route(shape, 'frontend', 'get-api-products');
    assert.equal(
      list.slow?.rate,
      Math.round((expected.slowListRequests / expected.structures['GET /api/products']) * 10_000) / 10_000,
    );
    assert.equal(list.slow?.at, 'SELECT products');
    assert.ok(
      list.slow!.extraWaitUs > 5000 && list.slow!.extraWaitUs < 15_000,
      `a slow query takes ~10.8 ms more, got ${list.slow!.extraWaitUs}`,
    );
  });
});
