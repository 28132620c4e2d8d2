import { z } from 'zod';
import type { AndPolicy, BasicPolicy, CompositePolicy, TailPolicy, TailSamplingConfig } from './types.js';

// The collector's tail_sampling YAML, snake_case, so a collector config can be pasted in. Options and defaults are
// documented once, in types.ts.

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000 };

/** A Go-style duration with its unit (`500ms`, `2s`, `1.5m`), in milliseconds; bare numbers are refused as ambiguous. */
const durationMs = z.string({ error: 'must be a duration with its unit, e.g. 5s or 500ms' }).transform((text, ctx) => {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text.trim());
  const ms = match ? Number(match[1]) * DURATION_UNITS_MS[match[2]] : Number.NaN;
  if (!(ms > 0)) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a duration greater than 0 with its unit (ms, s or m), e.g. 5s, got '${text}'`,
    });
    return z.NEVER;
  }
  return ms;
});

const name = z.string().min(1, { error: 'must not be empty' });
const positive = z.number().gt(0, { error: 'must be greater than 0' });

const alwaysSample = z.strictObject({ name, type: z.literal('always_sample') });

const statusCode = z.strictObject({
  name,
  type: z.literal('status_code'),
  status_code: z.strictObject({
    status_codes: z
      .array(z.enum(['OK', 'ERROR', 'UNSET']))
      .min(1, { error: 'must list at least one of OK, ERROR, UNSET' }),
  }),
});

const latency = z.strictObject({
  name,
  type: z.literal('latency'),
  latency: z
    .strictObject({
      threshold_ms: z.number().min(0, { error: 'must be >= 0' }),
      upper_threshold_ms: positive.optional(),
    })
    .refine((l) => l.upper_threshold_ms === undefined || l.upper_threshold_ms > l.threshold_ms, {
      error: 'upper_threshold_ms must be greater than threshold_ms',
      path: ['upper_threshold_ms'],
    }),
});

const probabilistic = z.strictObject({
  name,
  type: z.literal('probabilistic'),
  probabilistic: z.strictObject({
    sampling_percentage: z
      .number()
      .min(0, { error: 'must be between 0 and 100' })
      .max(100, { error: 'must be between 0 and 100' }),
    hash_salt: z.string().optional(),
  }),
});

const rateLimiting = z.strictObject({
  name,
  type: z.literal('rate_limiting'),
  rate_limiting: z.strictObject({ spans_per_second: positive, burst_capacity: positive.optional() }),
});

const stringAttribute = z.strictObject({
  name,
  type: z.literal('string_attribute'),
  string_attribute: z.strictObject({
    key: z.string().min(1, { error: 'must not be empty' }),
    values: z.array(z.string()).min(1, { error: 'must list at least one value' }),
    invert_match: z.boolean().default(false),
  }),
});

const basicPolicy = z.discriminatedUnion('type', [
  alwaysSample,
  statusCode,
  latency,
  probabilistic,
  rateLimiting,
  stringAttribute,
]);

/** Names must be unique among siblings: stats and composite allocations refer to them. */
function uniqueNames(policies: readonly { name: string }[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  policies.forEach((policy, index) => {
    if (seen.has(policy.name))
      ctx.addIssue({ code: 'custom', message: `duplicate policy name '${policy.name}'`, path: [index, 'name'] });
    seen.add(policy.name);
  });
}

const andPolicy = z.strictObject({
  name,
  type: z.literal('and'),
  and: z.strictObject({
    and_sub_policy: z.array(basicPolicy).min(1, { error: 'must list at least one policy' }).superRefine(uniqueNames),
  }),
});

const compositePolicy = z.strictObject({
  name,
  type: z.literal('composite'),
  composite: z
    .strictObject({
      max_total_spans_per_second: positive,
      policy_order: z.array(z.string()).min(1, { error: 'must list the sub-policies' }),
      composite_sub_policy: z
        .array(z.discriminatedUnion('type', [...basicPolicy.options, andPolicy]))
        .min(1, { error: 'must list at least one policy' })
        .superRefine(uniqueNames),
      rate_allocation: z.array(z.strictObject({ policy: z.string(), percent: z.number().min(0).max(100) })).default([]),
    })
    .superRefine((c, ctx) => {
      const names = new Set(c.composite_sub_policy.map((sub) => sub.name));
      const ordered = new Set(c.policy_order);
      for (const [index, entry] of c.policy_order.entries()) {
        if (!names.has(entry))
          ctx.addIssue({
            code: 'custom',
            message: `'${entry}' is not a composite_sub_policy`,
            path: ['policy_order', index],
          });
      }
      for (const missing of [...names].filter((n) => !ordered.has(n))) {
        ctx.addIssue({
          code: 'custom',
          message: `must list every sub-policy; '${missing}' is missing`,
          path: ['policy_order'],
        });
      }
      if (ordered.size !== c.policy_order.length)
        ctx.addIssue({ code: 'custom', message: 'must name each sub-policy once', path: ['policy_order'] });
      for (const [index, allocation] of c.rate_allocation.entries()) {
        if (!names.has(allocation.policy))
          ctx.addIssue({
            code: 'custom',
            message: `'${allocation.policy}' is not a composite_sub_policy`,
            path: ['rate_allocation', index, 'policy'],
          });
      }
      const total = c.rate_allocation.reduce((sum, allocation) => sum + allocation.percent, 0);
      if (total > 100)
        ctx.addIssue({
          code: 'custom',
          message: `percents add up to ${total}, more than 100`,
          path: ['rate_allocation'],
        });
    }),
});

/** The sink's tail sampling, as the run config embeds it (`sink.tail` or a matrix axis). */
export const tailSamplingSchema = z
  .strictObject({
    decision_wait: durationMs.default(30_000),
    num_traces: z.int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).default(50_000),
    policies: z
      .array(z.discriminatedUnion('type', [...basicPolicy.options, andPolicy, compositePolicy]))
      .min(1, { error: 'must list at least one policy' })
      .superRefine(uniqueNames),
  })
  .transform(({ decision_wait, ...rest }): TailSamplingConfig => ({ decision_wait_ms: decision_wait, ...rest }));

// The schema and the documented types must describe the same shapes.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const checks: [
  Same<z.output<typeof basicPolicy>, BasicPolicy>,
  Same<z.output<typeof andPolicy>, AndPolicy>,
  Same<z.output<typeof compositePolicy>, CompositePolicy>,
  Same<z.output<typeof tailSamplingSchema>['policies'][number], TailPolicy>,
] = [true, true, true, true];
void checks;
