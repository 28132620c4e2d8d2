import http from 'node:http';
import { ROOT_CONTEXT, propagation, trace, type Tracer } from '@opentelemetry/api';
import { calibrateIterationsPerUs, setIterationsPerUs, spendProcessCpuUs } from '../shape/burn.js';
import { runTraced, runUntraced } from '../shape/executor.js';
import { loadWorkload } from '../shape/load.js';
import { marksOf } from '../shape/marks.js';
import { TRUTH_ATTRIBUTES, parseTruth, type RouteShape } from '../shape/types.js';
import { QueueConsumer } from './queue.js';
import { QUEUE_PATH_PREFIX, createRemoteIo, type Peers } from './remote.js';

/**
 * The generic reference service: one process runs one service of a workload shape (TRACEBENCH_SERVICE, the
 * entry service by default) on 127.0.0.1, each request running its route's span tree and calling the other
 * services at the addresses in TRACEBENCH_PEERS. Settings arrive only through the environment, read here.
 */
const env = process.env;
function fail(message: string): never {
  console.error(`tracebench service: ${message}`);
  process.exit(2);
}
const workload = loadWorkload(env.TRACEBENCH_WORKLOAD ?? 'user-api');
if (!workload.ok) fail(`invalid workload ${workload.file}:\n${workload.issues.join('\n')}`);
const shape = workload.shape;
const serviceName = env.TRACEBENCH_SERVICE ?? shape.services[0].name;
const service =
  shape.services.find((s) => s.name === serviceName) ??
  fail(
    `TRACEBENCH_SERVICE=${serviceName}: the workload has no such service (${shape.services.map((s) => s.name).join(', ')})`,
  );
let peers: Peers = {};
try {
  peers = JSON.parse(env.TRACEBENCH_PEERS ?? '{}') as Peers;
} catch {
  fail(`TRACEBENCH_PEERS is not JSON: ${env.TRACEBENCH_PEERS}`);
}
const instrumentation = env.TRACEBENCH_INSTRUMENTATION ?? 'none';
const extraCpuUsPerRequest = Number(env.TRACEBENCH_EXTRA_CPU_US_PER_REQUEST ?? 0);
// Test-only: crash after N requests, only in processes whose env has KEY=VALUE when TRACEBENCH_TEST_CRASH_WHEN is set.
const crashWhen = env.TRACEBENCH_TEST_CRASH_WHEN?.split('=');
const crashHere = !crashWhen || env[crashWhen[0]] === crashWhen.slice(1).join('=');
const crashAfterRequests = crashHere ? Number(env.TRACEBENCH_TEST_CRASH_AFTER_REQUESTS ?? 0) : 0;
// The harness measures the burn rate once per run so every cell does the same work; run alone, the service measures its own.
const burnRate =
  env.TRACEBENCH_BURN_ITERATIONS_PER_US === undefined
    ? calibrateIterationsPerUs()
    : Number(env.TRACEBENCH_BURN_ITERATIONS_PER_US);
if (!(burnRate > 0))
  fail(`TRACEBENCH_BURN_ITERATIONS_PER_US must be a positive number, got ${env.TRACEBENCH_BURN_ITERATIONS_PER_US}`);
setIterationsPerUs(burnRate);

let tracer: Tracer | undefined;
if (instrumentation === 'sdk') {
  // Loaded only in traced cells: the baseline process never loads the SDK.
  const { setupTracing, TracingSetupError } = await import('./tracing.js');
  // A setting the service cannot honour (e.g. a user's module without the interface) ends the trial with its reason.
  await setupTracing(env, service.name).catch((error: Error) =>
    error instanceof TracingSetupError ? fail(error.message) : Promise.reject(error),
  );
  tracer = trace.getTracer('tracebench-reference-service');
} else if (instrumentation === 'api') {
  tracer = trace.getTracer('tracebench-reference-service');
}

const localQueues = new Map<string, QueueConsumer>();
const io = createRemoteIo(shape, peers, localQueues);
for (const consumer of service.consumers) localQueues.set(consumer.queue, new QueueConsumer(consumer, io, tracer));

interface CompiledRoute {
  route: RouteShape;
  pattern: RegExp;
}
const routes: CompiledRoute[] = service.routes.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/:[A-Za-z_]\w*/g, '[^/]+')}$`),
}));

function match(method: string, path: string): RouteShape | undefined {
  for (const { route, pattern } of routes) if (route.method === method && pattern.test(path)) return route;
  return undefined;
}

let served = 0;
const body = JSON.stringify({ id: 42, name: 'Ada Lovelace', email: 'ada@example.com' });

async function handle(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  route: RouteShape,
  path: string,
): Promise<void> {
  served++;
  if (crashAfterRequests > 0 && served >= crashAfterRequests) {
    console.error(`tracebench service: test crash after ${served} requests (TRACEBENCH_TEST_CRASH_AFTER_REQUESTS)`);
    process.exit(70);
  }
  spendProcessCpuUs(extraCpuUsPerRequest);
  const marks = marksOf(req.headers, route);
  let status = 200;
  try {
    if (!tracer) await runUntraced(route.root, io, marks);
    else {
      const parent = propagation.extract(ROOT_CONTEXT, req.headers);
      const truth = parseTruth(marks.truthHeader);
      const attributes = {
        'http.request.method': route.method,
        'url.path': path,
        'http.route': route.path,
        'url.scheme': 'http',
        'server.address': '127.0.0.1',
        [TRUTH_ATTRIBUTES.route]: route.name,
        ...(truth
          ? {
              [TRUTH_ATTRIBUTES.requestId]: truth.requestId,
              [TRUTH_ATTRIBUTES.error]: truth.error,
              [TRUTH_ATTRIBUTES.slow]: truth.slow,
            }
          : {}),
      };
      await runTraced(tracer, route.root, parent, io, marks, {
        extraAttributes: attributes,
        beforeEnd: (span, error) => span.setAttribute('http.response.status_code', error ? 500 : 200),
      });
    }
  } catch {
    status = 500;
  }
  if (status === 200)
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  else res.writeHead(500, { 'content-type': 'text/plain' }).end('drawn error');
}

function queueMessage(req: http.IncomingMessage, res: http.ServerResponse, queue: string): void {
  const consumer = localQueues.get(queue);
  if (!consumer) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`no consumer for queue '${queue}' in ${service.name}`);
    return;
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[key] = value;
  req.resume();
  res.writeHead(202).end();
  consumer.push({ headers, marks: marksOf(req.headers) });
}

const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  if (path.startsWith(QUEUE_PATH_PREFIX) && req.method === 'POST') {
    queueMessage(req, res, decodeURIComponent(path.slice(QUEUE_PATH_PREFIX.length)));
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
  if (!process.send)
    console.log(`tracebench reference service (${shape.name}/${service.name}) on http://127.0.0.1:${port}`);
});
