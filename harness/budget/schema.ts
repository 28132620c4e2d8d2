import { z } from 'zod';
import { describeValue } from '../config/issues.js';
import {
  EXPORTERS,
  SAMPLERS_WITH_RATE,
  SAMPLERS_WITH_RATIO,
  SAMPLERS_WITHOUT_ARG,
  SUITE_NAMES,
} from '../config/vocabulary.js';
import { METRIC_NAMES, RENAMED_METRICS } from '../stats/types.js';
import { parseLimit } from './limit.js';
import {
  COVERAGE_METRICS,
  MICRO_METRIC,
  type Budget,
  type BudgetMetric,
  type BudgetWhere,
  type Limit,
} from './types.js';

/** Every metric a budget may limit: the cells' metrics, then the micro-benchmarks' ns/op. */
const BUDGET_METRICS: readonly BudgetMetric[] = [...METRIC_NAMES, MICRO_METRIC, ...COVERAGE_METRICS];
/** `where` keys that pick cells, and those that pick micro-benchmark tasks: a budget uses one family, matching its limits. */
const CELL_KEYS = ['cell', 'sampler', 'processor', 'exporter', 'variant'] as const;
const MICRO_KEYS = ['suite', 'task'] as const;

const SAMPLER_TYPES = [...SAMPLERS_WITHOUT_ARG, ...SAMPLERS_WITH_RATIO, ...SAMPLERS_WITH_RATE, 'biased'] as const;

/** One value or a list of them; always a list after parsing. */
function oneOrMany<T extends z.ZodType<string>>(item: T, what: string) {
  return z
    .union([item, z.array(item).min(1)], {
      error: (iss) =>
        typeof iss.input === 'string' || Array.isArray(iss.input)
          ? undefined
          : `expected ${what} or a list of them, got ${describeValue(iss.input)}`,
    })
    .transform((v): z.output<T>[] => (Array.isArray(v) ? v : [v]));
}

const nonEmpty = z.string().min(1);

export const budgetWhereSchema = z
  .strictObject({
    cell: oneOrMany(nonEmpty, 'a cell id')
      .optional()
      .describe('Cell ids; * matches any run of characters (always_on~*).'),
    sampler: oneOrMany(z.enum(SAMPLER_TYPES), 'a sampler type')
      .optional()
      .describe('Sampler types, e.g. parentbased_traceidratio.'),
    processor: oneOrMany(z.enum(['simple', 'batch']), 'simple or batch')
      .optional()
      .describe('Span processor: simple or batch.'),
    exporter: oneOrMany(z.enum(EXPORTERS), 'an exporter').optional().describe('Exporters, e.g. otlp-http-protobuf.'),
    variant: oneOrMany(nonEmpty, 'a variant name').optional().describe('Variant names of a same-run A/B.'),
    suite: oneOrMany(z.enum(SUITE_NAMES), 'a micro-benchmark suite')
      .optional()
      .describe(
        'Micro-benchmark suites (span, propagation, sampler, processor, serialize); micro.nsPerOp limits only.',
      ),
    task: oneOrMany(nonEmpty, 'a micro-benchmark task')
      .optional()
      .describe(
        'Micro-benchmark tasks as suite/task or the task name; * matches any run of characters; micro.nsPerOp limits only.',
      ),
  })
  .transform((w): BudgetWhere => Object.fromEntries(Object.entries(w).filter(([, v]) => v !== undefined)));

function limitSchema(metric: BudgetMetric) {
  return z
    .union([z.string(), z.number()], {
      error: (iss) => `expected a limit such as +10%, < 5ms or 0, got ${describeValue(iss.input)}`,
    })
    .transform((input, ctx): Limit => {
      const parsed = parseLimit(metric, input);
      if (typeof parsed === 'string') {
        ctx.addIssue({ code: 'custom', message: parsed, input });
        return z.NEVER;
      }
      return parsed;
    })
    .describe(
      `Limit on ${metric}: +10% (relative to the reference), +50µs (overhead in units), < 5ms or 0 (the value itself).`,
    );
}

/** A limit under a metric's old name: read as the new one, and remembered so the verdicts can ask for the rename. */
function renamedLimitSchema(old: string, metric: BudgetMetric) {
  return limitSchema(metric)
    .transform((limit): Limit => ({ ...limit, writtenAs: old }))
    .describe(`Deprecated: the old name of ${metric}, read as it; write ${metric}.`)
    .optional();
}

const limitsSchema = z
  .strictObject({
    ...(Object.fromEntries(BUDGET_METRICS.map((m) => [m, limitSchema(m).optional()])) as Record<
      BudgetMetric,
      z.ZodOptional<ReturnType<typeof limitSchema>>
    >),
    ...Object.fromEntries(
      Object.entries(RENAMED_METRICS).map(([old, metric]) => [old, renamedLimitSchema(old, metric)]),
    ),
  })
  .refine((limits) => Object.values(limits).some((v) => v !== undefined), {
    error: `must name at least one metric (${BUDGET_METRICS.join(', ')})`,
  })
  .superRefine((limits, ctx) => {
    for (const [old, metric] of Object.entries(RENAMED_METRICS))
      if ((limits as Record<string, unknown>)[old] !== undefined && limits[metric] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [old],
          message: `${old} is the old name of ${metric}: give only ${metric}`,
        });
  })
  .transform((limits): Budget['limits'] =>
    Object.fromEntries(
      Object.entries(limits)
        .filter(([, v]) => v !== undefined)
        .map(([m, v]) => [RENAMED_METRICS[m] ?? m, v]),
    ),
  );

export const budgetSchema = z
  .strictObject({
    where: budgetWhereSchema
      .optional()
      .describe(
        'Which cells (or, for micro.nsPerOp, which micro-benchmark tasks) the limits apply to; every given key must match. All when absent.',
      ),
    limits: limitsSchema.describe(
      `Limits by metric name; ${MICRO_METRIC} limits a micro-benchmark task's median ns per operation.`,
    ),
  })
  .superRefine((budget, ctx) => {
    const where = budget.where ?? {};
    const micro = MICRO_METRIC in budget.limits;
    const cellMetrics = Object.keys(budget.limits).filter((m) => m !== MICRO_METRIC);
    for (const key of MICRO_KEYS) {
      if (where[key] !== undefined && cellMetrics.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['where', key],
          message: `picks micro-benchmark tasks, so it cannot scope ${cellMetrics.join(', ')}: put micro.nsPerOp limits in a budget of their own`,
        });
      }
    }
    for (const key of CELL_KEYS) {
      if (where[key] !== undefined && micro) {
        ctx.addIssue({
          code: 'custom',
          path: ['where', key],
          message: `picks cells, and ${MICRO_METRIC} is not measured per cell: scope micro limits with where.suite or where.task`,
        });
      }
    }
  });

/** The `budgets:` section of a config, or of a standalone budgets file. */
export const budgetsSchema = z
  .array(budgetSchema.transform((b): Budget => ({ where: b.where ?? {}, limits: b.limits })))
  .describe('Overhead budgets: each scopes limits to cells with `where` and judges them with confidence intervals.');

/** A standalone budgets YAML file: `budgets: [...]`. */
export const budgetsFileSchema = z.strictObject({ budgets: budgetsSchema });
