import { z } from 'zod';
import { describeValue } from '../config/issues.js';
import { EXPORTERS, SAMPLERS_WITH_RATIO, SAMPLERS_WITHOUT_ARG } from '../config/vocabulary.js';
import { METRIC_NAMES } from '../stats/metrics.js';
import type { MetricName } from '../stats/types.js';
import { parseLimit } from './limit.js';
import type { Budget, BudgetWhere, Limit } from './types.js';

const SAMPLER_TYPES = [...SAMPLERS_WITHOUT_ARG, ...SAMPLERS_WITH_RATIO] as const;

/** One value or a list of them; always a list after parsing. */
function oneOrMany<T extends z.ZodType<string>>(item: T, what: string) {
  return z
    .union([item, z.array(item).min(1)], {
      error: (iss) => (typeof iss.input === 'string' || Array.isArray(iss.input) ? undefined : `expected ${what} or a list of them, got ${describeValue(iss.input)}`),
    })
    .transform((v): z.output<T>[] => (Array.isArray(v) ? v : [v]));
}

const nonEmpty = z.string().min(1);

export const budgetWhereSchema = z
  .strictObject({
    cell: oneOrMany(nonEmpty, 'a cell id').optional().describe('Cell ids; * matches any run of characters (always_on~*).'),
    sampler: oneOrMany(z.enum(SAMPLER_TYPES), 'a sampler type').optional().describe('Sampler types, e.g. parentbased_traceidratio.'),
    processor: oneOrMany(z.enum(['simple', 'batch']), 'simple or batch').optional().describe('Span processor: simple or batch.'),
    exporter: oneOrMany(z.enum(EXPORTERS), 'an exporter').optional().describe('Exporters, e.g. otlp-http-protobuf.'),
    variant: oneOrMany(nonEmpty, 'a variant name').optional().describe('Variant names of a same-run A/B.'),
  })
  .transform((w): BudgetWhere => Object.fromEntries(Object.entries(w).filter(([, v]) => v !== undefined)));

function limitSchema(metric: MetricName) {
  return z
    .union([z.string(), z.number()], { error: (iss) => `expected a limit such as +10%, < 5ms or 0, got ${describeValue(iss.input)}` })
    .transform((input, ctx): Limit => {
      const parsed = parseLimit(metric, input);
      if (typeof parsed === 'string') {
        ctx.addIssue({ code: 'custom', message: parsed, input });
        return z.NEVER;
      }
      return parsed;
    })
    .describe(`Limit on ${metric}: +10% (relative to the reference), +50µs (overhead in units), < 5ms or 0 (the value itself).`);
}

const limitsSchema = z
  .strictObject(Object.fromEntries(METRIC_NAMES.map((m) => [m, limitSchema(m).optional()])) as Record<MetricName, z.ZodOptional<ReturnType<typeof limitSchema>>>)
  .refine((limits) => Object.values(limits).some((v) => v !== undefined), { error: `must name at least one metric (${METRIC_NAMES.join(', ')})` })
  .transform((limits): Budget['limits'] => Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)));

export const budgetSchema = z.strictObject({
  where: budgetWhereSchema.optional().describe('Which cells the limits apply to; every given key must match. All cells when absent.'),
  limits: limitsSchema.describe('Limits by metric name.'),
});

/** The `budgets:` section of a config, or of a standalone budgets file. */
export const budgetsSchema = z
  .array(budgetSchema.transform((b): Budget => ({ where: b.where ?? {}, limits: b.limits })))
  .describe('Overhead budgets: each scopes limits to cells with `where` and judges them with confidence intervals.');

/** A standalone budgets YAML file: `budgets: [...]`. */
export const budgetsFileSchema = z.strictObject({ budgets: budgetsSchema });
