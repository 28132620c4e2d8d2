import http from 'node:http';
import { ROOT_CONTEXT, SpanStatusCode, propagation, trace, type Tracer } from '@opentelemetry/api';
import { burnCpuUs } from '../shape/burn.js';
import { runTraced, runUntraced } from '../shape/executor.js';
import { loadWorkload } from '../shape/load.js';
import type { RouteShape } from '../shape/types.js';

/**
 * The generic reference service: serves the routes of a workload shape on 127.0.0.1, each request running
 * its span tree. Settings arrive only through the environment (OTEL_* and TRACEBENCH_*), read here at the edge.
 */
const env = process.env;
const workload = loadWorkload(env.TRACEBENCH_WORKLOAD ?? 'user-api');
if (!workload.ok) {
  console.error(`tracebench service: invalid workload ${workload.file}:\n${workload.issues.join('\n')}`);
  process.exit(2);
}
const shape = workload.shape;
const instrumentation = env.TRACEBENCH_INSTRUMENTATION ?? 'none';
const extraCpuUsPerRequest = Number(env.TRACEBENCH_EXTRA_CPU_US_PER_REQUEST ?? 0);
// Test-only: crash after N requests, only in processes whose env has KEY=VALUE when TRACEBENCH_TEST_CRASH_WHEN is set.
const crashWhen = env.TRACEBENCH_TEST_CRASH_WHEN?.split('=');
const crashHere = !crashWhen || env[crashWhen[0]] === crashWhen.slice(1).join('=');
const crashAfterRequests = crashHere ? Number(env.TRACEBENCH_TEST_CRASH_AFTER_REQUESTS ?? 0) : 0;

let tracer: Tracer | undefined;
if (instrumentation === 'sdk') {
  // Loaded only in traced cells: the baseline process never loads the SDK.
  const { setupTracing } = await import('./tracing.js');
  await setupTracing(env, shape.serviceName);
  tracer = trace.getTracer('tracebench-reference-service');
} else if (instrumentation === 'api') {
  tracer = trace.getTracer('tracebench-reference-service');
}

interface CompiledRoute {
  route: RouteShape;
  pattern: RegExp;
}
const routes: CompiledRoute[] = shape.routes.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/:[A-Za-z_]\w*/g, '[^/]+')}$`),
}));

function match(method: string, path: string): RouteShape | undefined {
  for (const { route, pattern } of routes) if (route.method === method && pattern.test(path)) return route;
  return undefined;
}

let served = 0;
const body = JSON.stringify({ id: 42, name: 'Ada Lovelace', email: 'ada@example.com' });

async function handle(req: http.IncomingMessage, res: http.ServerResponse, route: RouteShape, path: string): Promise<void> {
  served++;
  if (crashAfterRequests > 0 && served >= crashAfterRequests) {
    console.error(`tracebench service: test crash after ${served} requests (TRACEBENCH_TEST_CRASH_AFTER_REQUESTS)`);
    process.exit(70);
  }
  burnCpuUs(extraCpuUsPerRequest);
  if (!tracer) {
    await runUntraced(route.root);
  } else {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const attributes = { 'http.request.method': route.method, 'url.path': path, 'http.route': route.path, 'url.scheme': 'http', 'server.address': '127.0.0.1' };
    await runTraced(tracer, route.root, parent, attributes, (span) => {
      span.setAttribute('http.response.status_code', 200);
      span.setStatus({ code: SpanStatusCode.UNSET });
    });
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  const route = match(req.method ?? 'GET', path);
  if (!route) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('no such route');
    return;
  }
  handle(req, res, route, path).catch((error: Error) => {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(error.message);
  });
});
server.keepAliveTimeout = 30_000;

server.listen(Number(env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.send?.({ tb: 'listening', port });
  if (!process.send) console.log(`tracebench reference service (${shape.name}) on http://127.0.0.1:${port}`);
});
