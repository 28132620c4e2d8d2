import type { CpuProfile, CpuProfileCallFrame } from '../probe/protocol.js';
import { PROFILE_CATEGORIES, type FlameNode, type ProfileCategory } from './profile-types.js';

/** Paths (after `file://`) of code that is tracebench's, not the service's: placed as their own categories. */
export interface OwnCode {
  /** The probe and the counting wrappers, self-observability reader included. */
  tracebench: string[];
  /** The reference service's extra samplers. */
  sampler: string[];
  /** Functions of the reference service that are its manual instrumentation (building spans), not its work. */
  instrumentation: { path: string; functions: string[] }[];
}

const DIST = new URL('../..', import.meta.url).pathname;

/** This build's own code: the harness (the probe runs from it) and the reference service's tracing set-up. */
export const HARNESS_OWN_CODE: OwnCode = {
  tracebench: [`${DIST}harness/`, `${DIST}workloads/service/tracing.js`, `${DIST}workloads/service/handle.js`],
  sampler: [`${DIST}workloads/service/samplers/`],
  instrumentation: [
    { path: `${DIST}workloads/shape/executor.js`, functions: ['runTraced', 'attributesOf', 'linksOf'] },
  ],
};

/** Where an @opentelemetry package's file belongs. */
function otelCategory(pkg: string, file: string): ProfileCategory {
  if (pkg === 'api') return 'api';
  if (pkg === 'instrumentation' || pkg.startsWith('instrumentation-')) return 'instrumentation';
  if (pkg === 'context-async-hooks') return 'context';
  if (pkg.startsWith('propagator-')) return 'propagation';
  if (pkg === 'otlp-transformer') return 'serialization';
  if (pkg === 'exporter-zipkin') return /transform/i.test(file) ? 'serialization' : 'exporter';
  if (pkg.startsWith('exporter-') || pkg.startsWith('otlp-')) return 'exporter';
  // The reference service's only MeterProvider is the one tracebench hands the batch processor for its queue counts.
  if (pkg === 'sdk-metrics') return 'tracebench';
  if (pkg === 'core') {
    if (/\/(trace|propagation|baggage)\//.test(file)) return 'propagation';
    if (file.includes('/internal/exporter')) return 'exporter';
    return 'sdk';
  }
  if (pkg.startsWith('sdk-trace')) {
    if (/\/sampler\/|Sampler\.js$/.test(file)) return 'sampler';
    if (/\/export\/|SpanProcessor/.test(file)) return 'processor';
  }
  return 'sdk';
}

/**
 * A frame's own category, or null when it takes its caller's: node's internals and natives (`JSON.stringify`, a
 * socket write) do the work of whoever called them, so node:http under an exporter is the exporter's client.
 * `weak` is where an internal lands when no caller places it; a `passThrough` frame's category is its own time only.
 */
export function frameCategory(
  frame: CpuProfileCallFrame,
  own: OwnCode = HARNESS_OWN_CODE,
): { category: ProfileCategory | 'idle' | null; weak?: ProfileCategory; passThrough?: boolean } {
  const name = frame.functionName;
  if (name === '(garbage collector)') return { category: 'gc' };
  if (name === '(idle)') return { category: 'idle' };
  if (name === '(program)') return { category: 'runtime' };
  const url = frame.url.startsWith('file://') ? decodeURIComponent(frame.url.slice('file://'.length)) : frame.url;
  if (url === '') return { category: null };
  if (url.startsWith('node:') || !url.startsWith('/')) {
    // AsyncLocalStorage and the async hooks it rides on: the context manager's propagation on every new resource. Their
    // own time only: callbackTrampoline carries every callback once hooks are on, and what it calls is not theirs.
    if (/^node:(internal\/)?async_(hooks|local_storage)/.test(url)) return { category: 'context', passThrough: true };
    return { category: null, weak: 'runtime' };
  }
  if (own.tracebench.some((p) => url.startsWith(p))) return { category: 'tracebench' };
  if (own.sampler.some((p) => url.startsWith(p))) return { category: 'sampler' };
  if (own.instrumentation.some((i) => url === i.path && i.functions.includes(name)))
    return { category: 'instrumentation' };
  const otel = /\/node_modules\/@opentelemetry\/([^/]+)\/(.*)$/.exec(url);
  if (otel) return { category: otelCategory(otel[1], otel[2]) };
  if (/\/node_modules\/(@protobufjs\/|protobufjs\/)/.test(url)) return { category: 'serialization' };
  // Anything else on disk is the service: its code and its own dependencies.
  return { category: 'service' };
}

/**
 * How long each sample stands for, µs: the profile's span over its sample count, the same for every sample. Not the
 * gap to the next sample: on busy cores the sampler thread stalls for tens of ms (45 ms after the start here), and
 * the frame it then finds did not run all that time.
 */
function sampleUs(profile: CpuProfile): number {
  return profile.samples.length > 0 ? (profile.endTime - profile.startTime) / profile.samples.length : 0;
}

function frameName(frame: CpuProfileCallFrame): string {
  const fn = frame.functionName || '(anonymous)';
  if (frame.url === '') return fn;
  const url = frame.url.replace(/^file:\/\//, '');
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\/.*?([^/]+)$/.exec(url);
  const where = pkg ? `${pkg[1]}/${pkg[2]}` : url.startsWith('node:') ? url : url.slice(url.lastIndexOf('/') + 1);
  return `${fn} ${where}:${frame.lineNumber + 1}`;
}

export interface ProfileSummary {
  samples: number;
  /** Self time per category, µs (not yet per request); idle left out. */
  categoryUs: Record<ProfileCategory, number>;
  flame: FlameNode;
}

interface Placed {
  name: string;
  category: ProfileCategory;
  selfUs: number;
  children: Placed[];
}

/** Places every sample's time: the frame's own category, or the nearest caller's that has one. */
export function summariseProfile(profile: CpuProfile, own: OwnCode = HARNESS_OWN_CODE): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const root = profile.nodes.find((n) => !parent.has(n.id));
  if (!root) throw new Error('the profile has no root node (every node is some node’s child)');
  const selfUs = new Map<number, number>();
  const each = sampleUs(profile);
  for (const id of profile.samples) selfUs.set(id, (selfUs.get(id) ?? 0) + each);
  const placed = new Map<number, ProfileCategory | 'idle'>();
  // What a node hands its internals and natives: its own category, unless it only passes calls through.
  const handed = new Map<number, ProfileCategory | undefined>();
  const place = (id: number): ProfileCategory | 'idle' => {
    const known = placed.get(id);
    if (known) return known;
    const node = byId.get(id);
    if (!node) throw new Error(`the profile samples node ${id}, which it does not list`);
    const up = parent.get(id);
    if (up !== undefined) place(up);
    const fromCaller = up === undefined ? undefined : handed.get(up);
    const frame = frameCategory(node.callFrame, own);
    const category = frame.category ?? fromCaller ?? frame.weak ?? 'unmapped';
    const keeps = frame.category !== null && frame.category !== 'idle' && !frame.passThrough;
    handed.set(id, keeps ? (frame.category as ProfileCategory) : (fromCaller ?? frame.weak));
    placed.set(id, category);
    return category;
  };
  const categoryUs = Object.fromEntries(PROFILE_CATEGORIES.map((c) => [c, 0])) as Record<ProfileCategory, number>;
  // Parents first, so place() never recurses deeper than one step.
  const order: number[] = [];
  for (const queue = [root.id]; queue.length > 0; ) {
    const id = queue.shift()!;
    order.push(id);
    queue.push(...(byId.get(id)?.children ?? []));
  }
  for (const id of order) {
    const category = place(id);
    if (category !== 'idle') categoryUs[category] += selfUs.get(id) ?? 0;
  }
  const build = (id: number): Placed => {
    const node = byId.get(id)!;
    const category = place(id);
    return {
      name: id === root.id ? '(all)' : frameName(node.callFrame),
      category: category === 'idle' ? 'runtime' : category,
      selfUs: category === 'idle' ? 0 : (selfUs.get(id) ?? 0),
      children: (node.children ?? []).filter((c) => place(c) !== 'idle').map(build),
    };
  };
  return { samples: profile.samples.length, categoryUs, flame: toFlame(build(root.id)) };
}

function toFlame(p: Placed): FlameNode {
  const children = p.children.map(toFlame);
  return {
    name: p.name,
    category: p.category,
    selfUs: p.selfUs,
    totalUs: p.selfUs + children.reduce((t, c) => t + c.totalUs, 0),
    children,
  };
}

/** Siblings of the same name merge (V8 splits a function by call site), then frames under `minShare` of the root go. */
export function pruneFlame(node: FlameNode, minUs: number, depth = 0, maxDepth = 32): FlameNode {
  const merged = new Map<string, FlameNode>();
  for (const c of node.children) {
    const seen = merged.get(c.name);
    merged.set(
      c.name,
      seen
        ? {
            ...seen,
            selfUs: seen.selfUs + c.selfUs,
            totalUs: seen.totalUs + c.totalUs,
            children: [...seen.children, ...c.children],
          }
        : c,
    );
  }
  const children =
    depth >= maxDepth
      ? []
      : [...merged.values()]
          .filter((c) => c.totalUs >= minUs)
          .sort((a, b) => b.totalUs - a.totalUs)
          .map((c) => pruneFlame(c, minUs, depth + 1, maxDepth));
  return { ...node, children };
}

/** Multiplies a tree's times (e.g. by 1 / requests for µs per request). */
export function scaleFlame(node: FlameNode, factor: number): FlameNode {
  return {
    ...node,
    totalUs: node.totalUs * factor,
    selfUs: node.selfUs * factor,
    children: node.children.map((c) => scaleFlame(c, factor)),
  };
}

/** Sampled time on CPU (every category but idle, which is never counted), µs. */
export function busyUs(categoryUs: Record<ProfileCategory, number>): number {
  return PROFILE_CATEGORIES.reduce((t, c) => t + categoryUs[c], 0);
}

/** One flame tree for several processes' profiles (a multi-service workload): their roots side by side. */
export function mergeFlames(flames: FlameNode[]): FlameNode {
  if (flames.length === 1) return flames[0];
  const children = flames.flatMap((f) => f.children);
  return {
    name: '(all)',
    category: 'runtime',
    selfUs: flames.reduce((t, f) => t + f.selfUs, 0),
    totalUs: flames.reduce((t, f) => t + f.totalUs, 0),
    children,
  };
}
