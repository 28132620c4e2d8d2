import type { MicroSection } from '../micro/types.js';

/**
 * The layers of the attribution run, by `settings.layer.index`: 0 no SDK, 1 the API with a no-op tracer, 2 the SDK
 * with always_off and no context manager, 3 the same with the context manager, 4 spans recorded but not exported,
 * 5 and up: export, batch (one cell per exporter) or simple, told apart by the cell's processor. An export layer
 * replaces another, it does not stack on it.
 */
export const LAYER_INDEX = {
  noSdk: 0,
  apiNoop: 1,
  sdkAlwaysOff: 2,
  contextManager: 3,
  recorded: 4,
  export: 5,
} as const;

/** What a layer's cell does per request, as far as the run counted it. */
export interface LayerWork {
  index: number;
  /** Span starts per request, recorded or not. NaN when the run could not count them. */
  spansPerRequest: number;
  /** Recorded (sampled) spans per request. NaN when unknown. */
  sampledPerRequest: number;
  exporter: string | null;
  /** The span processor of an export layer. */
  processor: 'batch' | 'simple' | null;
  /** OTEL_PROPAGATORS of the cell. @default 'tracecontext' */
  propagator: string;
}

/** One line of a prediction: a micro task times how often a request performs it. */
export interface PredictionTerm {
  /** `suite/task` of the micro-benchmark. */
  task: string;
  /** What the operation is, in the request's terms. */
  what: string;
  opsPerRequest: number;
  /** The task's median ns/op over rounds. */
  nsPerOp: number;
  /** opsPerRequest × nsPerOp / 1000, negative for an operation the layer replaces. */
  us: number;
}

export interface LayerPrediction {
  /** Sum of the terms: CPU µs per request the micro-benchmarks account for. */
  us: number;
  terms: PredictionTerm[];
  /** Work the layer adds that no micro task measures, or that the run did not count: the remainder holds it. */
  unmodelled: string[];
}

const EXTRACT_TASK: Record<string, string | undefined> = {
  tracecontext: 'propagation/w3c-baggage-extract',
  b3: 'propagation/b3-single-extract',
  b3multi: 'propagation/b3-multi-extract',
  jaeger: 'propagation/jaeger-extract',
};

const SERIALIZE_TASK: Record<string, string | undefined> = {
  'otlp-http-protobuf': 'serialize/otlp-protobuf',
  'otlp-http-json': 'serialize/otlp-json',
  'otlp-grpc': 'serialize/otlp-protobuf',
  zipkin: 'serialize/zipkin-json',
};

interface Wanted {
  task: string | undefined;
  what: string;
  ops: number;
}

const NETWORK = 'the export request itself (HTTP, the socket, the sink’s reply) is no micro task';

/** The operations a layer adds over the layer beneath it in the stack, and what it adds that nothing measures. */
function layerOperations(index: number, work: LayerWork): { wanted: Wanted[]; unmodelled: string[] } {
  const spans = work.spansPerRequest;
  const sampled = work.sampledPerRequest;
  const serialize = (exporter: string | null): Wanted[] =>
    exporter && SERIALIZE_TASK[exporter]
      ? [{ task: SERIALIZE_TASK[exporter], what: `serialize each recorded span (${exporter})`, ops: sampled }]
      : [];
  const exporterGap = (exporter: string | null) =>
    exporter && !SERIALIZE_TASK[exporter] && exporter !== 'none'
      ? [`exporter ${exporter}: its serialization is no micro task`]
      : [];
  switch (index) {
    case LAYER_INDEX.apiNoop:
      return { wanted: [], unmodelled: ['the no-op tracer’s calls: no micro task measures the API without an SDK'] };
    case LAYER_INDEX.sdkAlwaysOff:
      return {
        wanted: [
          { task: 'sampler/always-off', what: 'shouldSample per span start', ops: spans },
          { task: EXTRACT_TASK[work.propagator], what: `one ${work.propagator} extract per request`, ops: 1 },
        ],
        unmodelled: ['creating the non-recording span the sampler returns'],
      };
    case LAYER_INDEX.contextManager:
      return {
        wanted: [{ task: 'span/context-with', what: 'one context activation per span (≈ spans)', ops: spans }],
        unmodelled: ['AsyncLocalStorage propagation across the request’s own awaits'],
      };
    case LAYER_INDEX.recorded:
      return {
        wanted: [{ task: 'span/bare', what: 'start + end of each recorded span', ops: sampled }],
        unmodelled: [
          'attributes and events per span: the run does not count them, so their cost (span/attributes-at-start-10, span/add-event) stays in the remainder',
          'collecting the ended spans’ garbage',
        ],
      };
  }
  if (index >= LAYER_INDEX.export && work.processor === 'batch') {
    return {
      wanted: [
        { task: 'processor/batch-on-end', what: 'enqueue each ended span', ops: sampled },
        ...serialize(work.exporter),
      ],
      unmodelled: [NETWORK, ...exporterGap(work.exporter)],
    };
  }
  if (index >= LAYER_INDEX.export && work.processor === 'simple') {
    return {
      wanted: [
        { task: 'processor/simple-on-end', what: 'export each ended span at once', ops: sampled },
        ...serialize(work.exporter),
      ],
      unmodelled: [`${NETWORK}, and a simple processor sends one per span`, ...exporterGap(work.exporter)],
    };
  }
  return {
    wanted: [],
    unmodelled: [
      `no micro model for layer index ${index}${index >= LAYER_INDEX.export ? ' without a span processor' : ''}`,
    ],
  };
}

/** Levels a cell's service really runs: every layer up to `recorded` beneath it, and its own export layer on top. */
export function stackOf(index: number): number[] {
  const below = [
    LAYER_INDEX.apiNoop,
    LAYER_INDEX.sdkAlwaysOff,
    LAYER_INDEX.contextManager,
    LAYER_INDEX.recorded,
  ].filter((l) => l <= index);
  return index > LAYER_INDEX.recorded ? [...below, index] : below;
}

function terms(
  level: number,
  work: LayerWork,
  nsByTask: Map<string, number>,
  sign: 1 | -1,
  unmodelled: string[],
): PredictionTerm[] {
  const ops = layerOperations(level, work);
  if (sign > 0) unmodelled.push(...ops.unmodelled);
  return ops.wanted.flatMap((w) => {
    if (!w.task) {
      if (sign > 0) unmodelled.push(`${w.what}: no micro task measures it`);
      return [];
    }
    const ns = nsByTask.get(w.task);
    if (ns === undefined) {
      if (sign > 0) unmodelled.push(`${w.what}: ${w.task} is not in the micro results (run its suite)`);
      return [];
    }
    if (!Number.isFinite(w.ops)) {
      if (sign > 0) unmodelled.push(`${w.what}: the run could not count spans per request`);
      return [];
    }
    return [
      {
        task: w.task,
        what: sign > 0 ? w.what : `replaced: ${w.what}`,
        opsPerRequest: w.ops,
        nsPerOp: ns,
        us: (sign * w.ops * ns) / 1000,
      },
    ];
  });
}

/**
 * What the micro-benchmarks predict a layer adds over the one it is measured against: the cost of the operations its
 * stack adds (at its own spans per request) minus those it replaces (an export layer measured against another).
 * Operations both stacks share are taken to cost the same and cancel.
 */
export function predictIncrement(cell: LayerWork, previous: LayerWork, micro: MicroSection): LayerPrediction {
  const nsByTask = new Map(micro.tasks.map((t) => [`${t.suite}/${t.task}`, t.nsPerOp.p50]));
  const mine = stackOf(cell.index);
  const theirs = stackOf(previous.index);
  const unmodelled: string[] = [];
  const added = mine.filter((l) => !theirs.includes(l)).flatMap((l) => terms(l, cell, nsByTask, 1, unmodelled));
  const removed = theirs.filter((l) => !mine.includes(l)).flatMap((l) => terms(l, previous, nsByTask, -1, unmodelled));
  const all = [...added, ...removed];
  return { us: all.reduce((sum, t) => sum + t.us, 0), terms: all, unmodelled };
}
