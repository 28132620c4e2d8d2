import { z } from 'zod';
import type { SpanShape, WorkloadShape } from './types.js';

const attributeValue = z.union([z.string(), z.number(), z.boolean()]);
const attributes = z.record(z.string().min(1), attributeValue).default({});
const nonNegativeUs = z.number().min(0, 'must be 0 or more (µs)').max(10_000_000, 'must be at most 10 s (10000000 µs)');

const spanShape: z.ZodType<SpanShape, unknown> = z.lazy(() =>
  z
    .strictObject({
      name: z.string().min(1, 'must be a non-empty span name'),
      kind: z.enum(['SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER', 'INTERNAL']).default('INTERNAL'),
      attributes,
      events: z.array(z.strictObject({ name: z.string().min(1), attributes })).default([]),
      cpuUs: nonNegativeUs.default(0),
      waitUs: nonNegativeUs.default(0),
      children: z.array(spanShape).default([]),
      parallel: z.boolean().default(false),
    }),
);

export const workloadSchema: z.ZodType<WorkloadShape, unknown> = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(''),
  serviceName: z.string().min(1),
  routes: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        method: z.enum(['GET', 'POST']).default('GET'),
        path: z.string().regex(/^\//, 'must start with /'),
        weight: z.number().positive('must be more than 0').default(1),
        root: spanShape,
      }),
    )
    .min(1, 'must list at least one route'),
});
