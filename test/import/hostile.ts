// Trace exports that broke the importer: generated, since the hostile ones are large.

const TRACE_ID = '0102030405060708090a0b0c0d0e0f10';

/** An OTLP/JSON export whose one attribute is an arrayValue nested `depth` deep. */
export function deepOtlp(depth: number): string {
  const value = `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"x"}${']}}'.repeat(depth)}`;
  return `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${TRACE_ID}","spanId":"0102030405060708","name":"GET /","kind":2,"startTimeUnixNano":"1000","endTimeUnixNano":"2000","attributes":[{"key":"k","value":${value}}]}]}]}]}`;
}

/** A Jaeger export whose one tag value is an array nested `depth` deep. */
export function deepJaeger(depth: number): string {
  return `{"data":[{"traceID":"ab","spans":[{"traceID":"ab","spanID":"cd","operationName":"GET /","startTime":1,"duration":1,"tags":[{"key":"k","type":"string","value":${'['.repeat(depth)}${']'.repeat(depth)}}]}],"processes":{}}]}`;
}

/** A Zipkin export of one trace whose spans form a chain `length` deep. */
export function chainZipkin(length: number): string {
  const spans = Array.from({ length }, (_, i) => ({
    traceId: 'a1',
    id: (i + 1).toString(16),
    ...(i > 0 ? { parentId: i.toString(16) } : {}),
    name: `s${i % 3}`,
    timestamp: 1000 + i,
    duration: length - i + 1,
    localEndpoint: { serviceName: 'svc' },
    ...(i === 0 ? { kind: 'SERVER' } : {}),
  }));
  return JSON.stringify(spans);
}
