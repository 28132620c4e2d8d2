import http from 'node:http';
import type { RemoteIo } from '../shape/executor.js';
import type { RequestMarks } from '../shape/marks.js';
import { fillPath, type WorkloadShape } from '../shape/types.js';
import type { QueueConsumer } from './queue.js';

/** The path a service's queues listen on for messages from other services. */
export const QUEUE_PATH_PREFIX = '/_tracebench/queue/';

/** Peers' base URLs by service name, handed over by the harness in TRACEBENCH_PEERS (loopback only). */
export type Peers = Record<string, string>;

function request(agent: http.Agent, url: string, method: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, method, headers: { ...headers, 'content-length': '0' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Remote calls over keep-alive loopback HTTP; messages go to a local consumer in-process, or to the
 * consumer's service over loopback (answered 202 on arrival, processed later).
 */
export function createRemoteIo(shape: WorkloadShape, peers: Peers, localQueues: Map<string, QueueConsumer>): RemoteIo {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const routeOf = new Map(shape.services.flatMap((s) => s.routes.map((r) => [`${s.name}/${r.name}`, r] as const)));
  const queueOwner = new Map(shape.services.flatMap((s) => s.consumers.map((c) => [c.queue, s.name] as const)));
  const peer = (service: string): string => {
    const url = peers[service];
    if (!url) throw new Error(`no address for service '${service}' in TRACEBENCH_PEERS`);
    return url;
  };
  return {
    call(call, headers) {
      const route = routeOf.get(`${call.service}/${call.route}`)!;
      return request(agent, peer(call.service) + fillPath(route.path, Math.random), route.method, headers);
    },
    async publish(queue: string, headers: Record<string, string>, marks: RequestMarks) {
      const local = localQueues.get(queue);
      if (local) return local.push({ headers, marks });
      const status = await request(
        agent,
        `${peer(queueOwner.get(queue)!)}${QUEUE_PATH_PREFIX}${encodeURIComponent(queue)}`,
        'POST',
        headers,
      );
      if (status !== 202) throw new Error(`queue '${queue}' answered ${status}`);
    },
  };
}
