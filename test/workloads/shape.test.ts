import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { issueLines } from '../../harness/config/issues.js';
import { drawUs, meanUs } from '../../workloads/shape/duration.js';
import { expectedTree, treeSize } from '../../workloads/shape/expected-tree.js';
import { loadWorkload } from '../../workloads/shape/load.js';
import { marksHeaders, marksOf } from '../../workloads/shape/marks.js';
import { startOrder, workloadSchema } from '../../workloads/shape/schema.js';
import { formatTruth, parseTruth, type WorkloadShape } from '../../workloads/shape/types.js';
import { mulberry32 } from '../../harness/plan/random.js';

function issues(yamlText: string): string[] {
  const parsed = workloadSchema.safeParse(parse(yamlText));
  return parsed.success ? [] : issueLines(parsed.error.issues);
}

const TWO = `
name: two
services:
  - name: front
    routes:
      - name: home
        path: /
        error: { rate: 0.1, at: back.work }
        root:
          name: GET /
          kind: SERVER
          children:
            - name: call back
              kind: CLIENT
              call: { service: back, route: work }
  - name: back
    routes:
      - name: work
        path: /work/:id
        root:
          name: GET /work
          kind: SERVER
          children: [{ name: back.work }]
`;

describe('workload shapes: validation across services', () => {
  it('a valid two-service shape parses, and callees start before callers', () => {
    const parsed = workloadSchema.parse(parse(TWO)) as WorkloadShape;
    assert.deepEqual(
      startOrder(parsed).map((s) => s.name),
      ['back', 'front'],
    );
  });

  it('every shipped workload is valid', () => {
    for (const name of ['user-api', 'checkout-chain', 'queue-pipeline']) {
      const loaded = loadWorkload(name);
      assert.ok(loaded.ok, `${name}: ${!loaded.ok && loaded.issues.join('; ')}`);
    }
  });

  it('names an unknown service, an unknown route, a missing consumer and an unknown error span, each with its path', () => {
    const bad = TWO.replace('service: back, route: work', 'service: backend, route: work').replace(
      'at: back.work',
      'at: nowhere',
    );
    const found = issues(bad);
    assert.ok(
      found.some(
        (i) =>
          i.includes('services[0].routes[0].root.children[0].call.service') && i.includes("no service named 'backend'"),
      ),
      found.join('\n'),
    );
    assert.ok(
      found.some((i) => i.includes('error.at') && i.includes("no span named 'nowhere'")),
      found.join('\n'),
    );
    const badRoute = issues(TWO.replace('route: work }', 'route: play }'));
    assert.ok(
      badRoute.some((i) => i.includes("has no route named 'play'") && i.includes('routes: work')),
      badRoute.join('\n'),
    );
    const noConsumer = issues(
      TWO.replace(
        'kind: CLIENT\n              call: { service: back, route: work }',
        'kind: PRODUCER\n              publish: { queue: jobs }',
      ),
    );
    assert.ok(
      noConsumer.some((i) => i.includes("no consumer for queue 'jobs'")),
      noConsumer.join('\n'),
    );
  });

  it('rejects a call from a span that is not a CLIENT, a cycle of calls, and duplicate service names', () => {
    assert.ok(issues(TWO.replace('kind: CLIENT', 'kind: INTERNAL')).some((i) => i.includes('must be kind CLIENT')));
    const cycle = TWO.replace(
      'children: [{ name: back.work }]',
      'children: [{ name: back.work }, { name: again, kind: CLIENT, call: { service: front, route: home } }]',
    );
    assert.ok(
      issues(cycle).some((i) => i.includes('cycle') && i.includes('front')),
      issues(cycle).join('\n'),
    );
    assert.ok(
      issues(TWO.replace('- name: back\n', '- name: front\n')).some((i) =>
        i.includes("duplicate service name 'front'"),
      ),
    );
  });

  it('rejects a duration that is neither a number, {p50, p99} nor {min, max}, and p99 below p50', () => {
    assert.ok(
      issues(TWO.replace('name: back.work }', 'name: back.work, cpuUs: fast }')).some((i) =>
        i.includes('must be µs as a number'),
      ),
    );
    assert.ok(
      issues(TWO.replace('name: back.work }', 'name: back.work, cpuUs: { p50: 10, p99: 5 } }')).some((i) =>
        i.includes('p99 must be at least p50'),
      ),
    );
  });

  it('the expected tree puts the callee SERVER tree under the CLIENT span', () => {
    const shape = workloadSchema.parse(parse(TWO)) as WorkloadShape;
    const tree = expectedTree(shape, 'front', 'home');
    assert.equal(tree.children[0].children[0].service, 'back');
    assert.equal(treeSize(tree), 4);
  });
});

describe('durations', () => {
  it('a log-normal from p50 and p99 has that median and that 99th percentile', () => {
    const random = mulberry32(1);
    const draws = Array.from({ length: 20000 }, () => drawUs({ p50: 100, p99: 1000 }, random)).sort((a, b) => a - b);
    assert.ok(Math.abs(draws[10000] / 100 - 1) < 0.05, `median ${draws[10000]}`);
    assert.ok(Math.abs(draws[19800] / 1000 - 1) < 0.15, `p99 ${draws[19800]}`);
    assert.ok(Math.abs(draws.reduce((a, b) => a + b, 0) / draws.length / meanUs({ p50: 100, p99: 1000 }) - 1) < 0.08);
  });
  it('uniform and fixed', () => {
    const random = mulberry32(2);
    assert.equal(drawUs(42, random), 42);
    const u = Array.from({ length: 1000 }, () => drawUs({ min: 10, max: 20 }, random));
    assert.ok(u.every((x) => x >= 10 && x <= 20));
  });
});

describe('ground-truth marks', () => {
  const route = (workloadSchema.parse(parse(TWO)) as WorkloadShape).services[0].routes[0];
  it('the truth header round-trips', () => {
    assert.deepEqual(parseTruth(formatTruth({ requestId: 'm0-7', error: true, slow: false })), {
      requestId: 'm0-7',
      error: true,
      slow: false,
    });
    assert.equal(parseTruth(undefined), undefined);
  });
  it('the entry resolves where the drawn error happens; downstream services get it forwarded', () => {
    const atEntry = marksOf({ 'x-tracebench-truth': 'm0-1;e=1;s=0' }, route);
    assert.equal(atEntry.failAt, 'back.work');
    const forwarded = marksOf(marksHeaders(atEntry));
    assert.equal(forwarded.failAt, 'back.work');
    assert.equal(forwarded.truthHeader, 'm0-1;e=1;s=0');
    assert.equal(marksOf({ 'x-tracebench-truth': 'm0-2;e=0;s=0' }, route).failAt, undefined);
  });
});
