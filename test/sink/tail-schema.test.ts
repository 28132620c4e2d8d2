import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { tailSamplingSchema } from '../../harness/sink/tail/schema.js';

function issues(input: unknown): string[] {
  const result = tailSamplingSchema.safeParse(input);
  assert.equal(result.success, false);
  return result.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

test("a collector-style YAML block parses, durations to ms and the collector's defaults applied", () => {
  const config = tailSamplingSchema.parse(
    parse(`
decision_wait: 2s
policies:
  - { name: errors, type: status_code, status_code: { status_codes: [ERROR] } }
  - { name: slow, type: latency, latency: { threshold_ms: 500 } }
  - { name: debug, type: string_attribute, string_attribute: { key: user.tier, values: [debug] } }
  - name: some
    type: composite
    composite:
      max_total_spans_per_second: 1000
      policy_order: [base, pay]
      composite_sub_policy:
        - { name: base, type: probabilistic, probabilistic: { sampling_percentage: 1 } }
        - name: pay
          type: and
          and: { and_sub_policy: [{ name: route, type: string_attribute, string_attribute: { key: http.route, values: [/pay] } }, { name: r, type: rate_limiting, rate_limiting: { spans_per_second: 10 } }] }
      rate_allocation: [{ policy: base, percent: 50 }, { policy: pay, percent: 50 }]
`),
  );
  assert.equal(config.decision_wait_ms, 2_000);
  assert.equal(config.num_traces, 50_000);
  assert.equal(config.policies.length, 4);
  const debug = config.policies[2];
  assert.equal(debug.type === 'string_attribute' && debug.string_attribute.invert_match, false);
  assert.deepEqual(
    tailSamplingSchema.parse({ policies: [{ name: 'a', type: 'always_sample' }] }).decision_wait_ms,
    30_000,
  );
});

test('durations need a unit and must be positive', () => {
  assert.equal(
    tailSamplingSchema.parse({ decision_wait: '250ms', policies: [{ name: 'a', type: 'always_sample' }] })
      .decision_wait_ms,
    250,
  );
  assert.equal(
    tailSamplingSchema.parse({ decision_wait: '1.5m', policies: [{ name: 'a', type: 'always_sample' }] })
      .decision_wait_ms,
    90_000,
  );
  assert.match(
    issues({ decision_wait: 5, policies: [{ name: 'a', type: 'always_sample' }] })[0],
    /^decision_wait: must be a duration with its unit/,
  );
  assert.match(
    issues({ decision_wait: '0s', policies: [{ name: 'a', type: 'always_sample' }] })[0],
    /^decision_wait: must be a duration greater than 0/,
  );
});

test('each mistake is reported with its path', () => {
  const found = issues({
    num_traces: 0,
    policies: [
      { name: 'a', type: 'latency', latency: { threshold_ms: 100, upper_threshold_ms: 50 } },
      { name: 'a', type: 'probabilistic', probabilistic: { sampling_percentage: 150 } },
      { name: 'c', type: 'status_code', status_code: { status_codes: [] } },
    ],
  });
  assert.deepEqual(found.sort(), [
    'num_traces: must be at least 1',
    'policies.0.latency.upper_threshold_ms: upper_threshold_ms must be greater than threshold_ms',
    "policies.1.name: duplicate policy name 'a'",
    'policies.1.probabilistic.sampling_percentage: must be between 0 and 100',
    'policies.2.status_code.status_codes: must list at least one of OK, ERROR, UNSET',
  ]);
  assert.deepEqual(
    issues({
      policies: [
        { name: 'a', type: 'always_sample' },
        { name: 'a', type: 'always_sample' },
      ],
    }),
    ["policies.1.name: duplicate policy name 'a'"],
  );
});

test('composite: policy_order and rate_allocation must name the sub-policies, percents at most 100', () => {
  const composite = (policy_order: string[], rate_allocation: { policy: string; percent: number }[]) => ({
    policies: [
      {
        name: 'c',
        type: 'composite',
        composite: {
          max_total_spans_per_second: 100,
          policy_order,
          composite_sub_policy: [
            { name: 'x', type: 'always_sample' },
            { name: 'y', type: 'always_sample' },
          ],
          rate_allocation,
        },
      },
    ],
  });
  assert.deepEqual(
    issues(
      composite(
        ['x', 'z'],
        [
          { policy: 'w', percent: 60 },
          { policy: 'x', percent: 50 },
        ],
      ),
    ).sort(),
    [
      "policies.0.composite.policy_order.1: 'z' is not a composite_sub_policy",
      "policies.0.composite.policy_order: must list every sub-policy; 'y' is missing",
      "policies.0.composite.rate_allocation.0.policy: 'w' is not a composite_sub_policy",
      'policies.0.composite.rate_allocation: percents add up to 110, more than 100',
    ],
  );
});

test('unknown keys and policy types are refused', () => {
  assert.ok(issues({ policies: [{ name: 'a', type: 'always_sample' }], expected_new_traces_per_sec: 10 }).length > 0);
  assert.ok(issues({ policies: [{ name: 'a', type: 'ottl_condition' }] }).length > 0);
  assert.ok(issues({ policies: [] }).some((issue) => /at least one policy/.test(issue)));
});
