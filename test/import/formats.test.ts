import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importFixture, outline, route, service } from './helpers.js';

describe('import otlp-json', () => {
  const { shape, stats } = importFixture('otlp-basic.json', 'otlp-json');

  it('counts traces and spans, and makes the most frequent root operation the entry', () => {
    assert.equal(stats.traces, 4);
    assert.equal(stats.spans, 15);
    assert.deepEqual(
      shape.services.map((s) => s.name),
      ['web', 'users'],
    );
    assert.deepEqual(
      service(shape, 'web').routes.map((r) => [r.name, r.method, r.path, r.weight]),
      [
        ['get-users-id', 'GET', '/users/:id', 3],
        ['post-login', 'POST', '/login', 1],
      ],
    );
  });

  it("turns a CLIENT span whose child is another service's SERVER span into a call, and the callee into a route", () => {
    const caller = route(shape, 'web', 'get-users-id');
    assert.equal(outline(caller.root), 'GET /users/:id(users.get)');
    assert.deepEqual(caller.root.children[0].call, { service: 'users', route: 'get-users-id' });
    const callee = route(shape, 'users', 'get-users-id');
    assert.equal(outline(callee.root), 'GET /users/:id(SELECT users)');
    assert.equal(callee.path, '/users/:id', 'http.route /users/{id} becomes a :param path');
    assert.deepEqual(callee.root.events, [{ name: 'user.loaded', attributes: {} }]);
  });

  it('splits self time: CLIENT self time is wait, other spans burn at most 200 µs CPU', () => {
    const caller = route(shape, 'web', 'get-users-id');
    // users.get self times 200, 400, 200 µs (the client span minus the server span it waits for).
    assert.deepEqual(caller.root.children[0].waitUs, { p50: 200, p99: 400 });
    assert.equal(caller.root.children[0].cpuUs, 0);
    assert.equal(caller.root.cpuUs, 200);
    const login = route(shape, 'web', 'post-login').root;
    assert.equal(outline(login), 'POST /login(hash.password, session.create)');
    assert.deepEqual([login.children[0].cpuUs, login.children[0].waitUs], [200, 1800]);
    assert.deepEqual([login.cpuUs, login.waitUs], [200, 100], 'root: 3000 µs minus 2700 µs of children');
  });

  it('--max-cpu-us-per-span moves the cap', () => {
    const login = route(
      importFixture('otlp-basic.json', 'otlp-json', { maxCpuUsPerSpan: 1000 }).shape,
      'web',
      'post-login',
    ).root;
    assert.deepEqual([login.children[0].cpuUs, login.children[0].waitUs], [1000, 1000]);
  });

  it('records the error rate at the deepest erroring span, links and attribute counts', () => {
    assert.deepEqual(route(shape, 'web', 'get-users-id').error, { rate: 0.3333, at: 'SELECT users' });
    const login = route(shape, 'web', 'post-login');
    assert.equal(login.error, undefined);
    assert.equal(login.root.links, 1);
    assert.deepEqual(
      login.root.generatedAttributes,
      { count: 2, valueBytes: 5 },
      "'POST' and '/login': 10 bytes over 2 attributes",
    );
    assert.deepEqual(
      login.root.children[0].events.map((e) => e.name),
      ['hashed'],
    );
  });
});

describe('import jaeger', () => {
  const { shape, stats } = importFixture('jaeger-basic.json', 'jaeger');

  it('reads processes, CHILD_OF references and span.kind tags into routes and calls', () => {
    assert.equal(stats.traces, 3);
    assert.equal(stats.spans, 15);
    assert.deepEqual(
      shape.services.map((s) => s.name),
      ['frontend', 'notifier', 'orders'],
    );
    assert.deepEqual(
      service(shape, 'frontend').routes.map((r) => [r.name, r.method, r.path, r.weight]),
      [
        ['post-checkout', 'POST', '/checkout', 2],
        ['get-health', 'GET', '/health', 1],
      ],
    );
    const checkout = route(shape, 'frontend', 'post-checkout').root;
    assert.deepEqual([checkout.kind, checkout.children[0].kind], ['SERVER', 'CLIENT']);
    assert.deepEqual(checkout.children[0].call, { service: 'orders', route: 'post-orders' });
    assert.equal(checkout.generatedAttributes?.count, 2, 'span.kind and otel.status_code are not attributes');
  });

  it('turns PRODUCER → CONSUMER into a publish and a consumer with batch size 1', () => {
    const orders = route(shape, 'orders', 'post-orders').root;
    assert.equal(outline(orders), 'POST /orders(INSERT orders, order-events publish)');
    assert.deepEqual(orders.children[1].publish, { queue: 'order-events' });
    assert.deepEqual(
      orders.events.map((e) => e.name),
      ['order.validated'],
      'log event fields become events',
    );
    const [consumer] = service(shape, 'notifier').consumers;
    assert.equal(consumer.queue, 'order-events');
    assert.equal(consumer.batchSize, 1);
    assert.equal(outline(consumer.root), 'order-events process(send.email)');
    assert.equal(consumer.root.kind, 'CONSUMER');
  });

  it('reads errors from error=true and otel.status_code=ERROR, and FOLLOWS_FROM into another trace as a link', () => {
    assert.deepEqual(route(shape, 'frontend', 'post-checkout').error, { rate: 0.5, at: 'INSERT orders' });
    assert.equal(route(shape, 'frontend', 'post-checkout').root.links, 1, 'one link in one of two traces rounds to 1');
  });
});

describe('import zipkin', () => {
  const { shape, stats } = importFixture('zipkin-basic.json', 'zipkin');

  it('splits a B3 shared span into client and server, and finds the parallel fan-out', () => {
    assert.equal(stats.traces, 5);
    assert.equal(stats.spans, 30);
    assert.equal(stats.duplicateSpans, 0, 'a shared SERVER half is not a duplicate');
    const products = route(shape, 'gateway', 'get-products');
    assert.equal(products.weight, 5);
    assert.equal(products.root.parallel, true);
    assert.deepEqual(
      products.root.children.map((c) => c.call),
      [
        { service: 'catalog', route: 'get-items' },
        { service: 'pricing', route: 'get-prices' },
      ],
    );
    assert.equal(products.root.children[0].waitUs, 100, 'client 800 µs around a 700 µs server');
    assert.equal(outline(route(shape, 'catalog', 'get-items').root), 'get /items(query)');
  });

  it('reads errors from the error tag and finds the slow request and where its time went', () => {
    const products = route(shape, 'gateway', 'get-products');
    assert.deepEqual(products.error, { rate: 0.2, at: 'get /prices' });
    assert.deepEqual(products.slow, { rate: 0.2, extraWaitUs: 4000, at: 'query' });
    // The slow request's 4500 µs query stays out of the distribution: 500 µs four times, 600 once.
    assert.deepEqual(route(shape, 'catalog', 'get-items').root.children[0].waitUs, { p50: 500, p99: 600 });
    assert.deepEqual(
      route(shape, 'catalog', 'get-items').root.children[0].events.map((e) => e.name),
      ['rows.fetched'],
    );
  });
});
