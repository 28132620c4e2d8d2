import protobuf from 'protobufjs';

// The OTel packages here only encode requests, so the sink decodes with protobufjs from this embedded subset of opentelemetry-proto.
const OTLP_TRACE_PROTO = `
syntax = "proto3";
package tracebench.otlp;

message ExportTraceServiceRequest {
  repeated ResourceSpans resource_spans = 1;
}

message ResourceSpans {
  Resource resource = 1;
  repeated ScopeSpans scope_spans = 2;
  string schema_url = 3;
}

message ScopeSpans {
  InstrumentationScope scope = 1;
  repeated Span spans = 2;
  string schema_url = 3;
}

message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  fixed32 flags = 16;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  uint32 dropped_attributes_count = 10;
  repeated Event events = 11;
  uint32 dropped_events_count = 12;
  repeated Link links = 13;
  uint32 dropped_links_count = 14;
  Status status = 15;

  message Event {
    fixed64 time_unix_nano = 1;
    string name = 2;
    repeated KeyValue attributes = 3;
    uint32 dropped_attributes_count = 4;
  }

  message Link {
    bytes trace_id = 1;
    bytes span_id = 2;
    string trace_state = 3;
    repeated KeyValue attributes = 4;
    uint32 dropped_attributes_count = 5;
    fixed32 flags = 6;
  }
}

message Status {
  string message = 2;
  int32 code = 3;
}

message Resource {
  repeated KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}

message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}

message ArrayValue {
  repeated AnyValue values = 1;
}

message KeyValueList {
  repeated KeyValue values = 1;
}

message KeyValue {
  string key = 1;
  AnyValue value = 2;
}

message CountOnlyRequest {
  repeated CountOnlyResourceSpans resource_spans = 1;
}

message CountOnlyResourceSpans {
  Resource resource = 1;
  repeated CountOnlyScopeSpans scope_spans = 2;
}

message CountOnlyScopeSpans {
  repeated bytes spans = 2;
}
`;

const root = protobuf.parse(OTLP_TRACE_PROTO).root;

export const exportTraceServiceRequestType = root.lookupType('tracebench.otlp.ExportTraceServiceRequest');
/** Reads spans as opaque bytes (and the resource, for the trial id): counting without decoding them keeps the sink cheap under load. */
export const countOnlyRequestType = root.lookupType('tracebench.otlp.CountOnlyRequest');

/** protobufjs yields a Long (when `long` is installed) or a number for 64-bit fields. */
export type Int64Like = number | { low: number; high: number; unsigned?: boolean };

export interface PbAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Int64Like;
  doubleValue?: number;
  arrayValue?: { values?: PbAnyValue[] };
  kvlistValue?: { values?: PbKeyValue[] };
  bytesValue?: Uint8Array;
}

export interface PbKeyValue {
  key: string;
  value?: PbAnyValue;
}

export interface PbSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId: Uint8Array;
  name: string;
  kind: number;
  startTimeUnixNano: Int64Like;
  endTimeUnixNano: Int64Like;
  attributes: PbKeyValue[];
  links?: Array<{ traceId: Uint8Array; spanId: Uint8Array }>;
  status?: { code: number; message: string };
}

export interface PbExportTraceServiceRequest {
  resourceSpans: Array<{
    resource?: { attributes: PbKeyValue[] };
    scopeSpans: Array<{ spans: PbSpan[] }>;
  }>;
}

export interface PbCountOnlyRequest {
  resourceSpans: Array<{ resource?: { attributes: PbKeyValue[] }; scopeSpans: Array<{ spans: Uint8Array[] }> }>;
}
