import { join } from 'node:path';
import { importTraceFile } from '../../harness/import/import.js';
import type { ImportOptions, ImportResult, TraceFormat } from '../../harness/import/types.js';
import type { RouteShape, ServiceShape, SpanShape, WorkloadShape } from '../../workloads/shape/types.js';
import { PACKAGE_ROOT } from '../helpers/cli.js';

export const TRACES_DIR = join(PACKAGE_ROOT, 'test', 'data', 'traces');
export const fixture = (name: string) => join(TRACES_DIR, name);

export function importFixture(name: string, format: TraceFormat, options: Partial<ImportOptions> = {}): ImportResult {
  return importTraceFile(fixture(name), { format, ...options }, name);
}

export function service(shape: WorkloadShape, name: string): ServiceShape {
  const found = shape.services.find((s) => s.name === name);
  if (!found) throw new Error(`no service ${name} in ${shape.services.map((s) => s.name).join(', ')}`);
  return found;
}

export function route(shape: WorkloadShape, serviceName: string, routeName: string): RouteShape {
  const found = service(shape, serviceName).routes.find((r) => r.name === routeName);
  if (!found)
    throw new Error(
      `no route ${routeName} in ${serviceName}: ${service(shape, serviceName)
        .routes.map((r) => r.name)
        .join(', ')}`,
    );
  return found;
}

/** `name(child, child(grandchild))`: a tree's structure in one line, to compare with what a fixture holds. */
export function outline(span: SpanShape): string {
  return span.children.length === 0 ? span.name : `${span.name}(${span.children.map(outline).join(', ')})`;
}

export function allSpans(span: SpanShape): SpanShape[] {
  return [span, ...span.children.flatMap(allSpans)];
}
